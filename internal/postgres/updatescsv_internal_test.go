package postgres

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// TestCopyRowsTakesRowsSplitAnywhere checks that the framing of COPY's binary format is taken off
// whatever pieces its data comes in, NULLs told apart from empty text, and that a COPY cut short
// is an error.
func TestCopyRowsTakesRowsSplitAnywhere(t *testing.T) {
	var data []byte
	data = append(data, copySignature...)
	data = binary.BigEndian.AppendUint32(data, 0) // flags
	data = binary.BigEndian.AppendUint32(data, 3) // header extension
	data = append(data, "ext"...)
	rows := [][2]*string{{ptr("1"), ptr("a")}, {ptr(""), nil}, {ptr("300"), ptr("b\r\nc")}}
	for _, r := range rows {
		data = binary.BigEndian.AppendUint16(data, 2)
		for _, f := range r {
			if f == nil {
				data = binary.BigEndian.AppendUint32(data, 0xffffffff)
				continue
			}
			data = binary.BigEndian.AppendUint32(data, uint32(len(*f)))
			data = append(data, *f...)
		}
	}
	data = binary.BigEndian.AppendUint16(data, 0xffff)
	want := "1|a;|NULL;300|b\r\nc;"
	for size := 1; size <= len(data); size++ {
		var out strings.Builder
		c := &copyRows{fields: 2, row: func(f [][]byte) error {
			for i, v := range f {
				if i > 0 {
					out.WriteString("|")
				}
				if v == nil {
					out.WriteString("NULL")
				}
				out.Write(v)
			}
			out.WriteString(";")
			return nil
		}}
		for i := 0; i < len(data); i += size {
			if _, err := c.Write(data[i:min(i+size, len(data))]); err != nil {
				t.Fatalf("pieces of %d: %v", size, err)
			}
		}
		if err := c.finish(); err != nil {
			t.Fatalf("pieces of %d: %v", size, err)
		}
		if out.String() != want || c.n != 3 {
			t.Fatalf("pieces of %d: wrote %q, %d rows; want %q, 3 rows", size, out.String(), c.n, want)
		}
	}
	c := &copyRows{fields: 2, row: func([][]byte) error { return nil }}
	if _, err := c.Write(data[:len(data)-5]); err != nil {
		t.Fatal(err)
	}
	if c.finish() == nil {
		t.Error("a COPY cut short finished without an error")
	}
	if _, err := (&copyRows{fields: 2}).Write([]byte("PGCOPY\nnot the signature at all")); err == nil {
		t.Error("data that is not COPY's binary format was taken")
	}
	if _, err := (&copyRows{fields: 3}).Write(data); err == nil {
		t.Error("rows of 2 fields were taken as rows of 3")
	}
}

func ptr(s string) *string { return &s }

// TestAppendCSVField checks a few cells against what encoding/csv, after the formula guard,
// writes; TestUpdatesCSVIsWhatTheCSVWriterWrites (internal/server) checks many more, end to end.
func TestAppendCSVField(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "plain": "plain", "=1+1": "'=1+1", "a,b": `"a,b"`, "-\n=": "\"'-\r\n=\"", " x": `" x"`,
		"\u00a0x": "\"\u00a0x\"", `\.`: `"\."`, "lone\rcr": `"lonecr"`, `say "hi"`: `"say ""hi"""`, "\tx,y": "\"'\tx,y\"",
	} {
		if got := string(appendCSVField(nil, in)); got != want {
			t.Errorf("appendCSVField(%q) = %q, want %q", in, got, want)
		}
		if got := appendCSVField([]byte("x,"), []byte(in)); !bytes.Equal(got, []byte("x,"+want)) {
			t.Errorf("appendCSVField(x, %q) = %q", in, got)
		}
	}
}
