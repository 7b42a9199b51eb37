package api

import (
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
)

// ModuleResponse is an uploaded WebAssembly module. Name it in a manifest
// as runtime.module: "sha256:" followed by its sha256.
type ModuleResponse struct {
	SHA256  string   `json:"sha256" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	Size    int64    `json:"size" example:"3353398"`
	Imports []string `json:"imports" example:"wasi_snapshot_preview1.fd_read,wasi_snapshot_preview1.fd_write,wasi_snapshot_preview1.proc_exit"`
}

func moduleResponse(m store.Module) ModuleResponse {
	return ModuleResponse{SHA256: m.SHA256, Size: m.Size, Imports: nonNilStrings(m.Imports)}
}

// ModuleUploadTime is how long a module upload may take to read and
// answer, beyond the server's usual read and write timeouts.
const ModuleUploadTime = 5 * time.Minute

// wasmType is the media type of a module upload.
const wasmType = "application/wasm"

// handleModuleUpload checks and keeps a WebAssembly module.
//
//	@Summary		Upload a WebAssembly module
//	@Description	Compiles and checks a WASI preview 1 command module (wasm32-wasip1), then keeps it for you: name it in a manifest as runtime.module "sha256:<sha256>". A module must import nothing but wasi_snapshot_preview1 functions, export _start and its memory, and start with at most 256 MiB of memory. Modules are content-addressed and never change: the same bytes again, from anyone, are the same module (200); only the accounts that uploaded a module may name it. Uploads count against the hourly allowance of plugin registrations. For signed-in accounts and API tokens with plugins:write.
//	@Tags			plugins
//	@Accept			application/wasm
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		string			true	"The module's bytes, as built (a binary .wasm file)"
//	@Success		201		{object}	ModuleResponse	"A module new to this server"
//	@Success		200		{object}	ModuleResponse	"A module this server already had"
//	@Failure		401		{object}	Problem			"Not signed in"
//	@Failure		403		{object}	Problem			"Token without plugins:write"
//	@Failure		413		{object}	Problem			"Module larger than RIPOSTE_WASM_MAX_MB (16 MiB by default)"
//	@Failure		415		{object}	Problem			"Content-Type is not application/wasm"
//	@Failure		422		{object}	Problem			"Not a module that can run as a plugin: each problem names what it concerns (module, module.imports, module.exports, module.memory)"
//	@Failure		429		{object}	Problem			"Too many modules uploaded by this account in the last hour; see Retry-After"
//	@Router			/api/v1/modules [post]
func handleModuleUpload(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || mt != wasmType {
			return refuse(httperr.ErrMediaType, "send the module's bytes with Content-Type: "+wasmType,
				FieldError{Field: "Content-Type", Message: "must be " + wasmType})
		}
		// A 16 MiB module is read and compiled within the server's usual
		// 30 s and 60 s only on a fast link and an idle machine: the upload
		// gets the time the command line waits for it, so that its answer
		// is not lost after the module was kept.
		rc := http.NewResponseController(c.Writer)
		_ = rc.SetReadDeadline(time.Now().Add(ModuleUploadTime))
		_ = rc.SetWriteDeadline(time.Now().Add(ModuleUploadTime))
		bin, err := readBody(c)
		if err != nil {
			return err
		}
		m, created, err := svc.UploadModule(c.Request.Context(), caller(c), bin)
		if err != nil {
			return err
		}
		code := http.StatusOK
		if created {
			code = http.StatusCreated
		}
		c.JSON(code, moduleResponse(m))
		return nil
	}
}
