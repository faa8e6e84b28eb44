package e2e

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"fieldwatch/sim/demo"
)

// startDemo runs the whole system in-process on free ports.
func startDemo(t *testing.T, vehicles, cameras int) *demo.Demo {
	t.Helper()
	lvl := slog.LevelWarn
	if os.Getenv("FIELDWATCH_LOG") == "debug" {
		lvl = slog.LevelDebug
	}
	d, err := demo.Start(t.Context(), demo.Options{
		HTTPAddr: "127.0.0.1:0", DataDir: t.TempDir(), Vehicles: vehicles, CamerasPerVehicle: cameras,
		Password: demoPassword,
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl})),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("demo close: %v", err)
		}
	})
	return d
}

const demoPassword = "mat-khau-kiem-thu"

// loginWithRole picks a seeded account with one of the roles, in order.
func loginWithRole(t *testing.T, d *demo.Demo, roles ...string) demo.Login {
	t.Helper()
	for _, role := range roles {
		for _, l := range d.Logins() {
			if l.Role == role {
				return l
			}
		}
	}
	t.Fatalf("the demo seeds no account with a role in %v: %+v", roles, d.Logins())
	return demo.Login{}
}

// apiLogin logs in through the API and returns the bearer token.
func apiLogin(t *testing.T, d *demo.Demo, username string) string {
	t.Helper()
	var password string
	for _, l := range d.Logins() {
		if l.Username == username {
			password = l.Password
		}
	}
	body := `{"username":"` + username + `","password":"` + password + `"}`
	resp, err := http.Post(d.URL()+"api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login %s: %s %v", username, resp.Status, err)
	}
	return out.Token
}

type apiVehicle struct {
	ID      string `json:"id"`
	Online  bool   `json:"online"`
	Cameras []struct {
		ID   string `json:"id"`
		Live bool   `json:"live"`
	} `json:"cameras"`
}

func vehicles(t *testing.T, d *demo.Demo, token string) map[string]apiVehicle {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, d.URL()+"api/v1/vehicles", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var list []apiVehicle
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatalf("vehicles: %s %s", resp.Status, b)
	}
	out := map[string]apiVehicle{}
	for _, v := range list {
		out[v.ID] = v
	}
	return out
}

// fullLane skips an end-to-end test in the fast lane (go test -short): it
// runs real processes, browsers or fault campaigns, and belongs to the full
// lane (bash .ci/run), which never skips it.
func fullLane(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: runs in the full lane (bash .ci/run)")
	}
}
