// Command echoplugin is the http plugin of scripts/bench: it checks each
// call's signature with remote.Verify, as a real plugin must, and answers
// with the text it was given.
//
//	echoplugin ADDR    (the secret comes from ECHOPLUGIN_SECRET)
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"

	"github.com/riposte-civic/riposte/plugins/remote"
)

func main() {
	secret := os.Getenv("ECHOPLUGIN_SECRET")
	http.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		body, err := remote.Verify(r, secret)
		if err != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		var call struct {
			Input struct {
				Text string `json:"text"`
			} `json:"input"`
		}
		if err := json.Unmarshal(body, &call); err != nil {
			http.Error(w, "invalid body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"output": map[string]any{"echo": call.Input.Text, "length": len(call.Input.Text)}})
	})
	http.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	log.Fatal(http.ListenAndServe(os.Args[1], nil))
}
