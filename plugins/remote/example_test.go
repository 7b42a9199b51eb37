package remote_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/plugins/remote"
)

// handleInvoke is a plugin's endpoint: it counts the words of a text. The
// secret is the one Riposte showed its owner.
func handleInvoke(secret string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
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
			http.Error(w, "invalid input", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"output": map[string]int{"words": len(strings.Fields(call.Input.Text))}})
	}
}

func ExampleVerify() {
	secret, err := remote.NewSecret()
	if err != nil {
		panic(err)
	}
	plugin := httptest.NewServer(handleInvoke(secret))
	defer plugin.Close()

	// What Riposte does when someone invokes the plugin.
	c := remote.New(remote.Options{AllowPrivate: true}) // a local endpoint, for the example
	out, err := c.Invoke(context.Background(), plugin.URL, secret, json.RawMessage(`{"text":"ceci est une rumeur"}`), 5*time.Second)
	fmt.Println(string(out), err)

	// A call signed with another secret is turned away.
	other, _ := remote.NewSecret()
	_, err = c.Invoke(context.Background(), plugin.URL, other, json.RawMessage(`{"text":"…"}`), 5*time.Second)
	fmt.Println(err)
	// Output:
	// {"words":4} <nil>
	// plugin misbehaved: status 401 Unauthorized
}
