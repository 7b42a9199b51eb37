# syntax=docker/dockerfile:1
#
# The riposte image: one static binary on a distroless base, running as an
# unprivileged user, in production mode.
#
#   docker build -t riposte:local --build-arg VERSION="$(git describe --always --dirty)" .
#
# It needs RIPOSTE_JWT_SECRET (or RIPOSTE_JWT_SECRET_FILE) to start; see
# docker-compose.yml and docs/operators.md ("Containers").

# Build stage: the Go release go.mod asks for, on the build machine's own
# platform; Go cross-compiles for the target platform without emulation.
FROM --platform=$BUILDPLATFORM golang:1.26.8-trixie AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-mod=readonly

# Dependencies first, in a layer of their own: it is rebuilt only when
# go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .
ARG TARGETOS TARGETARCH
# VERSION is what `riposte version` prints; when empty it prints the module
# version from the build information.
ARG VERSION=""
RUN --mount=type=cache,target=/root/.cache/go-build \
	GOOS=$TARGETOS GOARCH=$TARGETARCH \
	go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/riposte . \
	&& mkdir -p /out/data

# Runtime stage: no shell, no package manager; ca-certificates, tzdata and
# the nonroot user (65532) only. Pinned to a Debian generation and a digest,
# so the base changes only when someone decides it does; refresh the digest
# with: docker buildx imagetools inspect gcr.io/distroless/static-debian13:nonroot
FROM gcr.io/distroless/static-debian13:nonroot@sha256:1c2c046bc09ed40fad370b599a0b1ae7987f55b01e247cf27a7c27cd97e5bbc7

ARG VERSION=""
LABEL org.opencontainers.image.title="Riposte" \
	org.opencontainers.image.description="Platform for civic-tech hackathons against online propaganda" \
	org.opencontainers.image.source="https://github.com/riposte-civic/riposte" \
	org.opencontainers.image.licenses="AGPL-3.0-or-later" \
	org.opencontainers.image.version="${VERSION}"

# The binary belongs to root and cannot be changed by the process; the data
# directory belongs to the user the process runs as. A named volume mounted
# on /data starts as a copy of it, ownership included.
COPY --from=build /out/riposte /riposte
COPY --from=build --chown=65532:65532 /out/data /data

# RIPOSTE_ADDR=:8080 listens on every interface of the container, which a
# published port needs; outside a container the default is 127.0.0.1:8080.
ENV RIPOSTE_ENV=production \
	RIPOSTE_ADDR=:8080 \
	RIPOSTE_DATA_DIR=/data
USER 65532:65532
VOLUME ["/data"]
EXPOSE 8080

# healthcheck reads the same environment as the server, so it asks the
# port in RIPOSTE_ADDR for /readyz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
	CMD ["/riposte", "healthcheck"]

ENTRYPOINT ["/riposte"]
CMD ["serve"]
