// Command modes is a plugin that behaves as its input's "mode" says, well
// or badly, for the tests of the sandbox.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

type input struct {
	Mode string `json:"mode"`
	MB   int    `json:"mb"`   // grow: how much memory to take
	MS   int    `json:"ms"`   // sleep: how long
	Env  string `json:"env"`  // sandbox: the variable to read
	Addr string `json:"addr"` // sandbox: where to connect
	Text string `json:"text"` // echo
}

// calls counts the calls this instance answered: 1 when each call has a
// fresh instance.
var calls int

func main() {
	var req struct {
		Input input `json:"input"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "bad request:", err)
		os.Exit(1)
	}
	calls++
	in := req.Input
	switch in.Mode {
	case "spin":
		for {
		}
	case "grow":
		answer(map[string]any{"grew_mb": len(grow(in.MB))})
	case "sleep":
		keep := grow(in.MB)
		time.Sleep(time.Duration(in.MS) * time.Millisecond)
		answer(map[string]any{"slept_ms": in.MS, "held_mb": len(keep)})
	case "sandbox":
		answer(sandbox(in))
	case "flood":
		chunk := []byte(strings.Repeat("x", 64<<10))
		for i := 0; i < 160; i++ { // 10 MiB
			os.Stdout.Write(chunk)
		}
	case "exit":
		os.Exit(3)
	case "panic":
		panic("boom")
	case "garbage":
		os.Stdout.WriteString("this is not JSON")
	case "nooutput":
		os.Stdout.WriteString(`{"result": 1}`)
	case "stderr":
		fmt.Fprint(os.Stderr, "diagnostic: "+in.Text)
		answer(in.Text)
	default:
		answer(map[string]any{"text": in.Text, "calls": calls})
	}
}

// grow takes mb MiB of memory, every page of it written.
func grow(mb int) [][]byte {
	var keep [][]byte
	for i := 0; i < mb; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		keep = append(keep, b)
	}
	return keep
}

func answer(v any) {
	json.NewEncoder(os.Stdout).Encode(map[string]any{"output": v})
}

// sandbox reports what the module could see of the machine it runs on.
func sandbox(in input) map[string]any {
	seen := map[string]any{}
	if b, err := os.ReadFile("/etc/passwd"); err == nil {
		seen["passwd"] = string(b)
	}
	if entries, err := os.ReadDir("/"); err == nil {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		seen["root"] = names
	}
	if v, ok := os.LookupEnv(in.Env); ok {
		seen["env"] = v
	}
	if env := os.Environ(); len(env) > 0 {
		seen["environ"] = env
	}
	seen["args"] = os.Args
	if c, err := net.DialTimeout("tcp", in.Addr, time.Second); err == nil {
		c.Close()
		seen["dialed"] = in.Addr
	}
	random := make([]byte, 8)
	rand.Read(random)
	seen["random"] = hex.EncodeToString(random)
	seen["now"] = time.Now().UTC().Format(time.RFC3339)
	return seen
}
