package pkgzip

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"runtime"
	"time"

	"github.com/klauspost/compress/flate"
)

// The compressed bytes of a package depend on these constants and on the klauspost/compress
// version pinned in go.mod — never on the number of cores, which only decides how many chunks are
// compressed at once.
const (
	// deflateLevel 7 measured 3.2% larger than Info-ZIP zip -6 on real shared objects at less than
	// half its CPU time; level 6 was 5% larger, level 8 2.4% larger for 35% more CPU.
	deflateLevel = 7
	chunkSize    = 1 << 20  // unit of parallel compression
	dictSize     = 32 << 10 // each chunk is primed with the previous chunk's last 32 KiB (the deflate window)
	maxWorkers   = 4        // bounds memory: about 3 chunks in flight per worker
)

// Zip header constants (APPNOTE 4.3/4.4).
const (
	sigLocal       = 0x04034b50
	sigCentral     = 0x02014b50
	sigEnd         = 0x06054b50
	sigDescriptor  = 0x08074b50
	versionNeeded  = 20            // 2.0: deflate
	versionMadeBy  = 3<<8 | 20     // unix, 2.0: the high 16 bits of external attributes are a st_mode
	flagDescriptor = 0x0008        // sizes and CRC follow the data (the artifact is streamed)
	modeFile       = 0o100644      // S_IFREG | 0644
	modeArtifact   = 0o100755      // S_IFREG | 0755, as the reference packer writes it
	maxZip32       = 1<<32 - 1     // no zip64: entries and offsets must fit 32 bits
	methodDeflate  = 8             // zip.Deflate
	dosEpochDate   = 1<<5 | 1      // 1980-01-01
	maxPackedInput = maxZip32 >> 1 // keeps the whole zip below 4 GiB even if deflate expands
)

// PackInput names what goes into a package. Signature and License are optional.
type PackInput struct {
	Descriptor   []byte    // plugin.yaml bytes, written verbatim
	Artifact     io.Reader // streamed once; ArtifactName decides the entry name
	ArtifactName string    // EntryNative or EntryWasm
	Signature    []byte
	License      []byte
	ModTime      int64 // Unix seconds for every entry; 0 means 1980-01-01 00:00:00 (reproducible)

	// Tee, if set, receives every artifact byte in order as it is read, so hashing, signature
	// verification and descriptor scanning share the single read that compression makes. An
	// error from it aborts the write.
	Tee io.Writer
}

// PackResult says what Pack wrote.
type PackResult struct {
	Size    int64   // bytes of the zip
	Entries []Entry // in archive order
}

// Write writes a byte-reproducible package: entries in the order plugin.yaml, artifact, plugin.sig,
// LICENSE; Deflate; modes 0644 (artifact 0755) with S_IFREG; fixed timestamps; no directories,
// comments or extra fields. It returns the bytes written.
func Write(w io.Writer, in PackInput) (int64, error) {
	res, err := Pack(w, in)
	if res == nil {
		return 0, err
	}
	return res.Size, err
}

// Pack is Write returning the entry table. The artifact entry is compressed in parallel chunks
// and streamed, so its CRC-32 and sizes follow its data in a data descriptor; the small entries
// carry them in their local headers. Nothing is seekable or buffered whole: memory stays at a
// few MiB per core whatever the artifact size.
func Pack(w io.Writer, in PackInput) (*PackResult, error) {
	if in.ArtifactName != EntryNative && in.ArtifactName != EntryWasm {
		return nil, fmt.Errorf("pkgzip: artifact entry name %q is neither %s nor %s", in.ArtifactName, EntryNative, EntryWasm)
	}
	if in.Artifact == nil || in.Descriptor == nil {
		return nil, errors.New("pkgzip: a package needs a descriptor and an artifact")
	}
	date, tm := dosTime(in.ModTime)
	z := &zipWriter{w: bufio.NewWriterSize(w, 64<<10), date: date, time: tm, modified: modTime(in.ModTime)}
	res := &PackResult{}
	if err := z.small(EntryDescriptor, in.Descriptor); err != nil {
		return res, err
	}
	if err := z.artifact(in.ArtifactName, in.Artifact, in.Tee); err != nil {
		return res, err
	}
	if in.Signature != nil {
		if err := z.small(EntrySignature, in.Signature); err != nil {
			return res, err
		}
	}
	if in.License != nil {
		if err := z.small(EntryLicense, in.License); err != nil {
			return res, err
		}
	}
	err := z.finish()
	res.Size, res.Entries = z.n, z.entries
	return res, err
}

type zipWriter struct {
	w          *bufio.Writer
	n          int64
	date, time uint16
	modified   time.Time
	entries    []Entry
	offsets    []uint32
	flags      []uint16
}

func (z *zipWriter) Write(p []byte) (int, error) {
	n, err := z.w.Write(p)
	z.n += int64(n)
	return n, err
}

func (z *zipWriter) localHeader(name string, flags uint16, crc uint32, csize, size int64) error {
	if z.n > maxZip32 {
		return errors.New("pkgzip: package would exceed 4 GiB")
	}
	z.offsets = append(z.offsets, uint32(z.n))
	z.flags = append(z.flags, flags)
	b := make([]byte, 30, 30+len(name))
	le := binary.LittleEndian
	le.PutUint32(b[0:], sigLocal)
	le.PutUint16(b[4:], versionNeeded)
	le.PutUint16(b[6:], flags)
	le.PutUint16(b[8:], methodDeflate)
	le.PutUint16(b[10:], z.time)
	le.PutUint16(b[12:], z.date)
	le.PutUint32(b[14:], crc)
	le.PutUint32(b[18:], uint32(csize))
	le.PutUint32(b[22:], uint32(size))
	le.PutUint16(b[26:], uint16(len(name)))
	le.PutUint16(b[28:], 0) // no extra fields: no extended timestamp, no uid/gid
	_, err := z.Write(append(b, name...))
	return err
}

// small writes an in-memory entry with sizes and CRC in its local header.
func (z *zipWriter) small(name string, data []byte) error {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, deflateLevel)
	fw.Write(data)
	fw.Close()
	crc := crc32.ChecksumIEEE(data)
	if err := z.localHeader(name, 0, crc, int64(buf.Len()), int64(len(data))); err != nil {
		return err
	}
	if _, err := z.Write(buf.Bytes()); err != nil {
		return err
	}
	z.entries = append(z.entries, Entry{Name: name, Method: methodDeflate, Size: int64(len(data)),
		CompressedSize: int64(buf.Len()), CRC32: crc, Mode: fileMode(modeFile), Modified: z.modified})
	return nil
}

// artifact streams the artifact entry followed by its data descriptor.
func (z *zipWriter) artifact(name string, r io.Reader, tee io.Writer) error {
	if err := z.localHeader(name, flagDescriptor, 0, 0, 0); err != nil {
		return err
	}
	start := z.n
	crc, size, err := compressParallel(z, r, tee)
	if err != nil {
		return err
	}
	csize := z.n - start
	if size > maxPackedInput || csize > maxZip32 {
		return fmt.Errorf("pkgzip: artifact of %d bytes is too large for a package (at most %d)", size, int64(maxPackedInput))
	}
	d := make([]byte, 16)
	binary.LittleEndian.PutUint32(d[0:], sigDescriptor)
	binary.LittleEndian.PutUint32(d[4:], crc)
	binary.LittleEndian.PutUint32(d[8:], uint32(csize))
	binary.LittleEndian.PutUint32(d[12:], uint32(size))
	if _, err := z.Write(d); err != nil {
		return err
	}
	z.entries = append(z.entries, Entry{Name: name, Method: methodDeflate, Size: size, CompressedSize: csize,
		CRC32: crc, Mode: fileMode(modeArtifact), Modified: z.modified})
	return nil
}

func (z *zipWriter) finish() error {
	start := z.n
	le := binary.LittleEndian
	for i, e := range z.entries {
		b := make([]byte, 46, 46+len(e.Name))
		le.PutUint32(b[0:], sigCentral)
		le.PutUint16(b[4:], versionMadeBy)
		le.PutUint16(b[6:], versionNeeded)
		le.PutUint16(b[8:], z.flags[i])
		le.PutUint16(b[10:], methodDeflate)
		le.PutUint16(b[12:], z.time)
		le.PutUint16(b[14:], z.date)
		le.PutUint32(b[16:], e.CRC32)
		le.PutUint32(b[20:], uint32(e.CompressedSize))
		le.PutUint32(b[24:], uint32(e.Size))
		le.PutUint16(b[28:], uint16(len(e.Name)))
		// extra, comment, disk number, internal attributes: all zero
		mode := uint32(modeFile)
		if e.Name == EntryNative || e.Name == EntryWasm {
			mode = modeArtifact
		}
		le.PutUint32(b[38:], mode<<16)
		le.PutUint32(b[42:], z.offsets[i])
		if _, err := z.Write(append(b, e.Name...)); err != nil {
			return err
		}
	}
	if z.n > maxZip32 {
		return errors.New("pkgzip: package would exceed 4 GiB")
	}
	b := make([]byte, 22)
	le.PutUint32(b[0:], sigEnd)
	le.PutUint16(b[8:], uint16(len(z.entries)))
	le.PutUint16(b[10:], uint16(len(z.entries)))
	le.PutUint32(b[12:], uint32(z.n-start))
	le.PutUint32(b[16:], uint32(start))
	if _, err := z.Write(b); err != nil {
		return err
	}
	return z.w.Flush()
}

func fileMode(unix uint32) fs.FileMode { return fs.FileMode(unix & 0o777) }

// dosTime converts Unix seconds to MS-DOS date and time (UTC, 2-second resolution), clamped to the
// format's 1980–2107 range; 0 is 1980-01-01 00:00:00.
func dosTime(unix int64) (date, tm uint16) {
	t := modTime(unix)
	return uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day()),
		uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
}

func modTime(unix int64) time.Time {
	t := time.Unix(unix, 0).UTC()
	lo := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	switch {
	case unix == 0 || t.Before(lo):
		return lo
	case t.After(hi):
		return hi
	}
	return t.Truncate(2 * time.Second)
}

// chunk is one unit of parallel compression.
type chunk struct {
	in   []byte
	dict []byte
	out  *bytes.Buffer
	done chan struct{}
}

// compressParallel deflates r into w as one stream made of independently compressed chunks: each
// is primed with the previous chunk's tail as dictionary and ends with a sync flush, so the
// concatenation (plus a final empty block) is a valid deflate stream, as pigz does. It returns
// the CRC-32 and length of the input.
func compressParallel(w io.Writer, r io.Reader, tee io.Writer) (crc uint32, size int64, err error) {
	// The reader goroutine owns the input side (reading, CRC-32, Tee) and hands chunks both to the
	// workers and, in order, to this goroutine, which writes each as soon as it is compressed.
	type readResult struct {
		crc  uint32
		size int64
		err  error
	}
	workers := min(runtime.GOMAXPROCS(0), maxWorkers)
	work := make(chan *chunk, workers)
	order := make(chan *chunk, workers+1)
	ins := make(chan []byte, 3*workers+2)
	outs := make(chan *bytes.Buffer, 3*workers+2)
	quit := make(chan struct{})
	readDone := make(chan readResult, 1)

	for range workers {
		go func() {
			fw, _ := flate.NewWriter(nil, deflateLevel)
			for c := range work {
				fw.ResetDict(c.out, c.dict)
				fw.Write(c.in) // writes to a bytes.Buffer cannot fail
				fw.Flush()
				close(c.done)
			}
		}()
	}

	go func() {
		defer close(work)
		defer close(order)
		h := crc32.NewIEEE()
		var size int64
		var tail []byte
		for {
			var in []byte
			select {
			case in = <-ins:
			default:
				in = make([]byte, chunkSize)
			}
			n, err := io.ReadFull(r, in)
			if n > 0 {
				in = in[:n]
				h.Write(in)
				size += int64(n)
				if tee != nil {
					if _, err := tee.Write(in); err != nil {
						readDone <- readResult{err: err}
						return
					}
				}
				var out *bytes.Buffer
				select {
				case out = <-outs:
					out.Reset()
				default: // room for an incompressible chunk, so the buffer never doubles
					out = bytes.NewBuffer(make([]byte, 0, chunkSize+chunkSize/16))
				}
				c := &chunk{in: in, dict: tail, out: out, done: make(chan struct{})}
				tail = bytes.Clone(in[max(0, n-dictSize):])
				select {
				case work <- c:
				case <-quit:
					return
				}
				select {
				case order <- c:
				case <-quit:
					return
				}
			}
			switch {
			case err == io.EOF || err == io.ErrUnexpectedEOF:
				readDone <- readResult{crc: h.Sum32(), size: size}
				return
			case err != nil:
				readDone <- readResult{err: err}
				return
			}
		}
	}()

	for c := range order {
		<-c.done
		_, werr := w.Write(c.out.Bytes())
		select {
		case ins <- c.in[:cap(c.in)]:
		default:
		}
		select {
		case outs <- c.out:
		default:
		}
		if werr != nil {
			close(quit)
			return 0, 0, werr
		}
	}
	res := <-readDone
	if res.err != nil {
		return 0, 0, res.err
	}
	// A final, empty fixed-Huffman block (BFINAL=1, BTYPE=01, end-of-block) ends the stream.
	if _, err := w.Write([]byte{0x03, 0x00}); err != nil {
		return 0, 0, err
	}
	return res.crc, res.size, nil
}
