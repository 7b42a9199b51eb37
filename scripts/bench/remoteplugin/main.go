// Command remoteplugin is the http plugin of scripts/bench. It checks each
// call's signature with remote.Verify, as a real plugin must, then either
// repeats the text it was given (no work at all: the harshest case for
// Riposte in front of it) or, given a compiled-in tool's id, answers as that
// tool does (the work of a real plugin).
//
//	remoteplugin ADDR [TOOL]    (the secret comes from REMOTEPLUGIN_SECRET)
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"

	"github.com/riposte-civic/riposte/plugins"
	_ "github.com/riposte-civic/riposte/plugins/all"
	"github.com/riposte-civic/riposte/plugins/remote"
)

func main() {
	secret := os.Getenv("REMOTEPLUGIN_SECRET")
	answer := echo
	if len(os.Args) > 2 {
		tool, ok := plugins.Lookup(os.Args[2])
		if !ok {
			log.Fatalf("no compiled-in tool %q", os.Args[2])
		}
		answer = func(r *http.Request, input json.RawMessage) (json.RawMessage, error) {
			return tool.Invoke(r.Context(), input)
		}
	}
	http.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		body, err := remote.Verify(r, secret)
		if err != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		var call struct {
			Input json.RawMessage `json:"input"`
		}
		if err := json.Unmarshal(body, &call); err != nil {
			http.Error(w, "invalid body", http.StatusBadRequest)
			return
		}
		out, err := answer(r, call.Input)
		if err != nil {
			http.Error(w, "cannot answer", http.StatusUnprocessableEntity)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]json.RawMessage{"output": out})
	})
	http.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	log.Fatal(http.ListenAndServe(os.Args[1], nil))
}

func echo(_ *http.Request, input json.RawMessage) (json.RawMessage, error) {
	var in struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(input, &in); err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"echo": in.Text, "length": len(in.Text)})
}
