package postgres

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// TestCopyCSVTakesRowsSplitAnywhere checks that the framing of COPY's binary format is taken off
// whatever pieces its data comes in, that the last id is kept, and that a COPY cut short is an
// error.
func TestCopyCSVTakesRowsSplitAnywhere(t *testing.T) {
	var data []byte
	data = append(data, copySignature...)
	data = binary.BigEndian.AppendUint32(data, 0) // flags
	data = binary.BigEndian.AppendUint32(data, 3) // header extension
	data = append(data, "ext"...)
	lines := []string{"1,a\r\n", "", "300,\"b\r\nc\"\r\n"}
	for i, l := range lines {
		data = binary.BigEndian.AppendUint16(data, 2)
		data = binary.BigEndian.AppendUint32(data, 8)
		data = binary.BigEndian.AppendUint64(data, uint64(100*(i+1)))
		data = binary.BigEndian.AppendUint32(data, uint32(len(l)))
		data = append(data, l...)
	}
	data = binary.BigEndian.AppendUint16(data, 0xffff)
	want := "1,a\r\n300,\"b\r\nc\"\r\n"
	for size := 1; size <= len(data); size++ {
		var out bytes.Buffer
		c := &copyCSV{w: &out}
		for i := 0; i < len(data); i += size {
			if _, err := c.Write(data[i:min(i+size, len(data))]); err != nil {
				t.Fatalf("pieces of %d: %v", size, err)
			}
		}
		if err := c.finish(); err != nil {
			t.Fatalf("pieces of %d: %v", size, err)
		}
		if out.String() != want || c.n != 3 || c.last != 300 {
			t.Fatalf("pieces of %d: wrote %q, %d rows, last %d; want %q, 3 rows, last 300", size, out.String(), c.n, c.last, want)
		}
	}
	c := &copyCSV{w: &bytes.Buffer{}}
	if _, err := c.Write(data[:len(data)-5]); err != nil {
		t.Fatal(err)
	}
	if c.finish() == nil {
		t.Error("a COPY cut short finished without an error")
	}
	if _, err := (&copyCSV{w: &bytes.Buffer{}}).Write([]byte("PGCOPY\nnot the signature at all")); err == nil {
		t.Error("data that is not COPY's binary format was taken")
	}
}
