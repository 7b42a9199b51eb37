// Command sqlitebase is the realistic reference point of scripts/bench: a
// bare Gin handler that reads one row by primary key from SQLite, through
// database/sql and the driver Riposte uses (modernc.org/sqlite), on a
// database file opened with Riposte's pragmas (WAL, memory map, page cache,
// a read-only pool of four connections per CPU, prepared statements), and
// encodes it as JSON with encoding/json. It is what any Gin service backed
// by SQLite must do to answer GET /api/v1/plugins/{slug} or GET
// /api/v1/me, and nothing more: no authentication, logging or metrics.
//
//	sqlitebase ADDR DBFILE PLUGINS MANIFEST
//
// creates DBFILE with PLUGINS rows whose manifest is the file MANIFEST
// with every "SLUG" replaced by p-<id>, and 100 accounts, then serves
// GET /plugins/:id, GET /users/:id and GET /ping on ADDR.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"log"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	_ "modernc.org/sqlite"
)

// plugin is a row of the plugins table as the API would show it.
type plugin struct {
	ID        int64           `json:"id"`
	Slug      string          `json:"slug"`
	Status    string          `json:"status"`
	Name      string          `json:"name"`
	Summary   string          `json:"summary"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Manifest  json.RawMessage `json:"manifest"`
}

// user is a row of the users table as GET /me shows it.
type user struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Language  string    `json:"language"`
	CreatedAt time.Time `json:"created_at"`
}

func main() {
	if len(os.Args) != 5 {
		log.Fatal("usage: sqlitebase ADDR DBFILE PLUGINS MANIFEST")
	}
	n, err := strconv.Atoi(os.Args[3])
	if err != nil {
		log.Fatal(err)
	}
	manifest, err := os.ReadFile(os.Args[4])
	if err != nil {
		log.Fatal(err)
	}
	if err := create(os.Args[2], n, string(manifest)); err != nil {
		log.Fatal(err)
	}
	read, err := sql.Open("sqlite", dsn(os.Args[2])+"&_pragma=query_only(1)")
	if err != nil {
		log.Fatal(err)
	}
	conns := 4 * runtime.GOMAXPROCS(0)
	read.SetMaxOpenConns(conns)
	read.SetMaxIdleConns(conns)
	read.SetConnMaxIdleTime(0)
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/ping", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.GET("/plugins/:id", handlePlugin(prepare(read, `SELECT id, slug, status, name, summary, created_at, updated_at, manifest
		FROM plugins WHERE id = $1`)))
	e.GET("/users/:id", handleUser(prepare(read, `SELECT id, email, name, role, language, created_at FROM users WHERE id = $1`)))
	log.Fatal(http.ListenAndServe(os.Args[1], e))
}

// dsn opens path as Riposte's store does.
func dsn(path string) string {
	params := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)",
		"mmap_size(1073741824)", "cache_size(-16384)"} {
		params.Add("_pragma", p)
	}
	params.Set("_time_integer_format", "unix_micro")
	params.Set("_inttotime", "1")
	return "file:" + path + "?" + params.Encode()
}

func prepare(db *sql.DB, query string) *sql.Stmt {
	s, err := db.Prepare(query)
	if err != nil {
		log.Fatal(err)
	}
	return s
}

func handlePlugin(stmt *sql.Stmt) gin.HandlerFunc {
	return func(c *gin.Context) {
		var (
			p        plugin
			manifest string
		)
		err := stmt.QueryRowContext(c.Request.Context(), c.Param("id")).Scan(&p.ID, &p.Slug, &p.Status, &p.Name, &p.Summary,
			&p.CreatedAt, &p.UpdatedAt, &manifest)
		if err != nil {
			c.AbortWithStatus(http.StatusNotFound)
			return
		}
		p.Manifest = json.RawMessage(manifest)
		c.JSON(http.StatusOK, p)
	}
}

func handleUser(stmt *sql.Stmt) gin.HandlerFunc {
	return func(c *gin.Context) {
		var u user
		err := stmt.QueryRowContext(c.Request.Context(), c.Param("id")).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.CreatedAt)
		if err != nil {
			c.AbortWithStatus(http.StatusNotFound)
			return
		}
		c.JSON(http.StatusOK, u)
	}
}

// create makes the database: n plugins and 100 accounts, in one
// transaction.
func create(path string, n int, manifest string) error {
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{
		`CREATE TABLE plugins (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, status TEXT NOT NULL, name TEXT NOT NULL,
			summary TEXT NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, manifest TEXT)`,
		`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL,
			language TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TIMESTAMP NOT NULL)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	now := time.Now()
	for i := range n {
		slug := "p-" + strconv.Itoa(i)
		if _, err := tx.ExecContext(ctx, `INSERT INTO plugins VALUES ($1, $2, 'published', $3, $4, $5, $5, $6)`,
			i, slug, "Outil "+slug, "Détecte et signale les contenus de propagande "+slug, now,
			strings.ReplaceAll(manifest, "SLUG", slug)); err != nil {
			return err
		}
	}
	for i := range 100 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users VALUES ($1, $2, $3, 'admin', 'fr', $4, $5)`,
			i, "user"+strconv.Itoa(i)+"@bench.example", "Bench user "+strconv.Itoa(i), strings.Repeat("x", 97), now); err != nil {
			return err
		}
	}
	return tx.Commit()
}
