package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const userUsage = `Usage: portal user add --email EMAIL --name NAME --role admin|staff|partner [--org CODE] [--password-stdin]

Creates an account. With --password-stdin the password is read from the first line of standard
input; without it, a single-use link to set the password is printed, valid for 7 days.
Partners need --org, the code of their organisation (such as NES).
`

// user runs `portal user SUBCOMMAND`.
func user(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		_, _ = io.WriteString(stderr, userUsage)
		return errors.New("usage: portal user add [flags]")
	}
	fs := flag.NewFlagSet("portal user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { _, _ = io.WriteString(stderr, userUsage) }
	email := fs.String("email", "", "the user's email address")
	name := fs.String("name", "", "the user's full name")
	role := fs.String("role", "", "admin, staff or partner")
	org := fs.String("org", "", "the code of a partner's organisation")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var problems []string
	if msg := tracker.EmailProblem(*email); msg != "" {
		problems = append(problems, "--email: "+msg)
	}
	if msg := tracker.NameProblem(*name); msg != "" {
		problems = append(problems, "--name: "+msg)
	}
	r, ok := tracker.ParseRole(*role)
	switch {
	case !ok:
		problems = append(problems, "--role: choose admin, staff or partner")
	case r == tracker.RolePartner && *org == "":
		problems = append(problems, "--org: a partner needs the code of their organisation")
	case r != tracker.RolePartner && *org != "":
		problems = append(problems, "--org: only partners belong to an organisation")
	}
	var hash string
	if *fromStdin {
		line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		pw := strings.TrimRight(line, "\r\n")
		if msg := password.Check(pw, *email, *name); msg != "" {
			problems = append(problems, "password: "+msg)
		} else if hash, err = password.Hash(pw, password.Default); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}

	c, _, pool, err := openConfigured(ctx, getenv, stderr, openDatabase)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := postgres.New(pool)
	actor := tracker.Actor{Label: "command line"}
	nu := postgres.NewUser{Email: *email, Name: *name, Role: r, OrganisationCode: strings.ToUpper(*org), PasswordHash: hash}
	if *fromStdin {
		u, err := store.CreateUser(ctx, actor, nu)
		if err != nil {
			return userError(err)
		}
		_, err = fmt.Fprintf(stdout, "Created %s %s (%s).\n", u.Role.Label(), u.Email, u.Name)
		return err
	}
	u, token, err := store.InviteUser(ctx, actor, nu)
	if err != nil {
		return userError(err)
	}
	_, err = fmt.Fprintf(stdout, "Created %s %s (%s).\nSend them this single-use link to set their password; it works once, within 7 days:\n%s\n",
		u.Role.Label(), u.Email, u.Name, setPasswordURL(c.BaseURL, token))
	return err
}

// userError turns a domain error into its message, for the command line.
func userError(err error) error {
	if code := tracker.ErrorCode(err); code == tracker.EINVALID || code == tracker.ECONFLICT {
		return errors.New(tracker.ErrorMessage(err))
	}
	return err
}

// setPasswordURL is the address of a single-use link.
func setPasswordURL(baseURL, token string) string {
	return paths.SetPasswordLink(baseURL, token)
}
