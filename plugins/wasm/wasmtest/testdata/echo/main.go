// Command echo is the smallest plugin: it answers its input.
package main

import (
	"encoding/json"
	"os"
)

func main() {
	var req struct {
		Input json.RawMessage `json:"input"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]any{"output": req.Input}); err != nil {
		os.Exit(1)
	}
}
