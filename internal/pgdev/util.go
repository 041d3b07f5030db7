package pgdev

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"strconv"
	"strings"
)

// writeFileAtomic writes path through a temporary file and a rename.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, perm); err != nil {
		return err
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// freePort picks a random port in the private range that nothing listens on
// at the moment, other than avoid.
func freePort(avoid int) (int, error) {
	for range 200 {
		n, err := rand.Int(rand.Reader, big.NewInt(portMax-portMin+1))
		if err != nil {
			return 0, err
		}
		port := portMin + int(n.Int64())
		if port != avoid && portFree(port) {
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free port on %s between %d and %d", Host, portMin, portMax)
}

// portFree reports whether a server could listen on the port.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort(Host, strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "last lines of " + path + ":\n" + strings.Join(lines, "\n")
}

// readPort finds the port setting in pgdev's configuration file.
func readPort(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	port := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && strings.TrimSpace(k) == "port" {
			port, err = strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return 0, fmt.Errorf("bad port line %q", sc.Text())
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	if port == 0 {
		return 0, errors.New("no port setting")
	}
	return port, nil
}

// writeOwned writes a file that the server's account owns.
func (c *Cluster) writeOwned(path string, data []byte, perm os.FileMode) error {
	if err := os.WriteFile(path, data, perm); err != nil {
		return err
	}
	if err := os.Chmod(path, perm); err != nil {
		return err
	}
	return c.owner.chown(path)
}
