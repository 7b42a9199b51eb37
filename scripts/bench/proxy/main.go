// Command proxy is a reference point of scripts/bench for Riposte in front
// of another server: net/http/httputil's ReverseProxy, which passes
// requests and answers along and does nothing else, with the transport
// settings of Riposte's own clients (a pool of kept-alive connections, no
// compression). What it costs is what any Go service in front costs.
//
//	proxy ADDR TARGET_URL
package main

import (
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

func main() {
	target, err := url.Parse(os.Args[2])
	if err != nil {
		log.Fatal(err)
	}
	p := httputil.NewSingleHostReverseProxy(target)
	p.Transport = &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, DisableCompression: true, ReadBufferSize: 64 << 10}
	// Clients hanging up when a measurement ends is not worth a line.
	p.ErrorLog = log.New(io.Discard, "", 0)
	log.Fatal(http.ListenAndServe(os.Args[1], p))
}
