package ckpt

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
)

// Pickle opcodes (protocol 2, plus the protocol 4 framing and string forms
// that newer writers emit).
const (
	opMark           = '('
	opStop           = '.'
	opPop            = '0'
	opPopMark        = '1'
	opDup            = '2'
	opBinFloat       = 'G'
	opBinInt         = 'J'
	opBinInt1        = 'K'
	opBinInt2        = 'M'
	opNone           = 'N'
	opBinPersID      = 'Q'
	opReduce         = 'R'
	opBinString      = 'T'
	opShortBinString = 'U'
	opBinUnicode     = 'X'
	opAppend         = 'a'
	opBuild          = 'b'
	opGlobal         = 'c'
	opDict           = 'd'
	opEmptyDict      = '}'
	opAppends        = 'e'
	opBinGet         = 'h'
	opLongBinGet     = 'j'
	opList           = 'l'
	opEmptyList      = ']'
	opBinPut         = 'q'
	opLongBinPut     = 'r'
	opSetItem        = 's'
	opTuple          = 't'
	opEmptyTuple     = ')'
	opSetItems       = 'u'
	opProto          = 0x80
	opNewObj         = 0x81
	opTuple1         = 0x85
	opTuple2         = 0x86
	opTuple3         = 0x87
	opNewTrue        = 0x88
	opNewFalse       = 0x89
	opLong1          = 0x8a
	opLong4          = 0x8b
	opBinBytes       = 'B'
	opShortBinBytes  = 'C'
	opShortBinUni    = 0x8c
	opBinUnicode8    = 0x8d
	opBinBytes8      = 0x8e
	opStackGlobal    = 0x93
	opMemoize        = 0x94
	opFrame          = 0x95
	opNewObjEx       = 0x92
)

// maxPickleItem caps any single string, bytes or long in a pickle. Real
// checkpoint pickles hold names and small numbers; the cap keeps a hostile
// length field from causing a huge allocation.
const maxPickleItem = 256 << 20

// maxGlobalLine caps the module and name lines of GLOBAL (and the two
// strings of STACK_GLOBAL).
const maxGlobalLine = 1024

// What one pickle may build, in all: every value it pushes counts as an
// object, and the memory those objects hold is estimated as they are made
// (a little above what Go really spends). A checkpoint's pickle holds a few
// dozen objects per tensor and small strings, far below both; the limits
// stop a small file whose opcodes each make an empty dict, or a reference,
// from costing gigabytes. They are variables only so tests can lower them.
var (
	maxPickleObjects int64 = 1 << 21
	maxPickleBytes   int64 = 256 << 20
)

// Estimated costs, in bytes, of what the unpickler makes.
const (
	costSlot   = 32  // a value on the stack or in a container, with room for slice growth
	costBox    = 24  // a tuple, string or bytes header boxed in an interface
	costDict   = 160 // an empty dict: the struct and its index map
	costEntry  = 96  // a dict item: key, value and an index entry
	costMemo   = 64  // a memo entry
	costObject = 48  // a pyObject, before its name
	costTensor = 256 // a Tensor and its storage record, before shape and strides
)

// unpickler executes pickle opcodes. It never recurses, every allocation is
// bounded by the bytes it has consumed, and malformed input yields an error.
type unpickler struct {
	r      *bufio.Reader
	remain int64 // input bytes left; bounds every length field
	pos    int64 // bytes consumed, for error messages and for what follows
	stack  []any
	marks  []int // stack heights at each MARK; items below the top mark are out of reach
	memo   map[uint32]any

	// objects and bytes are what was built so far, against the limits.
	objects, bytes int64

	// call applies a GLOBAL (REDUCE, NEWOBJ); persistent resolves BINPERSID.
	call       func(fn *pyObject, args pyTuple) (any, error)
	persistent func(pid any) (any, error)
}

func newUnpickler(r io.Reader, size int64) *unpickler {
	return &unpickler{r: bufio.NewReader(r), remain: size}
}

func (u *unpickler) errorf(format string, args ...any) error {
	return fmt.Errorf("pickle: at byte %d: %s", u.pos, fmt.Sprintf(format, args...))
}

func (u *unpickler) readByte() (byte, error) {
	if u.remain < 1 {
		return 0, u.errorf("truncated")
	}
	b, err := u.r.ReadByte()
	if err != nil {
		return 0, u.readErr(err)
	}
	u.pos++
	u.remain--
	return b, nil
}

func (u *unpickler) read(n int64) ([]byte, error) {
	if n < 0 || n > maxPickleItem {
		return nil, u.errorf("bad length %d", n)
	}
	if n > u.remain {
		return nil, u.errorf("truncated: need %d bytes, have %d", n, u.remain)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(u.r, b); err != nil {
		return nil, u.readErr(err)
	}
	u.pos += n
	u.remain -= n
	return b, nil
}

func (u *unpickler) readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return u.errorf("truncated")
	}
	return u.errorf("read: %v", err)
}

func (u *unpickler) readUint(n int) (uint64, error) {
	b, err := u.read(int64(n))
	if err != nil {
		return 0, err
	}
	var buf [8]byte
	copy(buf[:], b)
	return binary.LittleEndian.Uint64(buf[:]), nil
}

// readLine reads a GLOBAL argument line, without its newline.
func (u *unpickler) readLine() (string, error) {
	var line []byte
	for {
		c, err := u.readByte()
		if err != nil {
			return "", err
		}
		if c == '\n' {
			return string(line), nil
		}
		if len(line) >= maxGlobalLine {
			return "", u.errorf("GLOBAL line longer than %d bytes", maxGlobalLine)
		}
		line = append(line, c)
	}
}

func (u *unpickler) floor() int {
	if len(u.marks) == 0 {
		return 0
	}
	return u.marks[len(u.marks)-1]
}

// push puts v on the stack, counting it as an object; what v holds beyond
// its slot is charged where it is made.
func (u *unpickler) push(v any) error {
	if err := u.charge(1, costSlot); err != nil {
		return err
	}
	u.stack = append(u.stack, v)
	return nil
}

// charge counts objects and bytes about to be built and refuses to go past
// the limits.
func (u *unpickler) charge(objects, bytes int64) error {
	u.objects += objects
	u.bytes += bytes
	switch {
	case u.objects > maxPickleObjects:
		return u.errorf("the pickle builds more than %d objects, the most Tessera reads from a checkpoint's pickle (a damaged or hostile file?)", maxPickleObjects)
	case u.bytes > maxPickleBytes:
		return u.errorf("the pickle's objects would take more than %d MiB, the most Tessera reads from a checkpoint's pickle (a damaged or hostile file?)", maxPickleBytes>>20)
	}
	return nil
}

func (u *unpickler) pop() (any, error) {
	if len(u.stack) <= u.floor() {
		return nil, u.errorf("stack underflow")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) <= u.floor() {
		return nil, u.errorf("stack underflow")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark removes and returns (as a fresh slice) the items above the last MARK.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, u.errorf("no MARK on the stack")
	}
	k := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	if err := u.charge(0, int64(len(u.stack)-k)*costSlot); err != nil {
		return nil, err
	}
	items := append([]any(nil), u.stack[k:]...)
	u.stack = u.stack[:k]
	return items, nil
}

func (u *unpickler) popN(n int) (pyTuple, error) {
	if len(u.stack)-u.floor() < n {
		return nil, u.errorf("stack underflow")
	}
	if err := u.charge(0, int64(n)*costSlot); err != nil {
		return nil, err
	}
	items := append(pyTuple(nil), u.stack[len(u.stack)-n:]...)
	u.stack = u.stack[:len(u.stack)-n]
	return items, nil
}

// load runs one pickle up to its STOP and returns the object it built. It can
// be called again for the next pickle in the same stream; the memo is
// per pickle, as with Python's pickle.load.
func (u *unpickler) load() (any, error) {
	u.stack, u.marks, u.memo = u.stack[:0], u.marks[:0], map[uint32]any{}
	for {
		op, err := u.readByte()
		if err != nil {
			return nil, err
		}
		if op == opStop {
			return u.pop()
		}
		if err := u.step(op); err != nil {
			return nil, err
		}
	}
}

func (u *unpickler) step(op byte) error {
	switch op {
	case opProto:
		v, err := u.readByte()
		if err != nil {
			return err
		}
		if v > 5 {
			return u.errorf("unsupported pickle protocol %d", v)
		}
	case opFrame:
		_, err := u.readUint(8) // frames only group opcodes; nothing to do
		return err
	case opMark:
		if err := u.charge(1, 16); err != nil {
			return err
		}
		u.marks = append(u.marks, len(u.stack))
	case opPop:
		_, err := u.pop()
		return err
	case opPopMark:
		_, err := u.popMark()
		return err
	case opDup:
		v, err := u.top()
		if err != nil {
			return err
		}
		return u.push(v)
	case opNone:
		return u.push(nil)
	case opNewTrue:
		return u.push(true)
	case opNewFalse:
		return u.push(false)
	case opBinInt:
		v, err := u.readUint(4)
		if err != nil {
			return err
		}
		return u.push(int64(int32(uint32(v))))
	case opBinInt1:
		v, err := u.readUint(1)
		if err != nil {
			return err
		}
		return u.push(int64(v))
	case opBinInt2:
		v, err := u.readUint(2)
		if err != nil {
			return err
		}
		return u.push(int64(v))
	case opLong1, opLong4:
		return u.long(op)
	case opBinFloat:
		b, err := u.read(8)
		if err != nil {
			return err
		}
		return u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	case opBinUnicode, opShortBinUni, opBinUnicode8, opBinString, opShortBinString:
		b, err := u.sized(op)
		if err != nil {
			return err
		}
		return u.push(string(b))
	case opBinBytes, opShortBinBytes, opBinBytes8:
		b, err := u.sized(op)
		if err != nil {
			return err
		}
		return u.push(b)
	case opEmptyDict:
		if err := u.charge(0, costDict); err != nil {
			return err
		}
		return u.push(newDict())
	case opEmptyList:
		return u.push(&pyList{})
	case opEmptyTuple:
		return u.pushTuple(pyTuple{})
	case opTuple:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.pushTuple(pyTuple(items))
	case opTuple1, opTuple2, opTuple3:
		t, err := u.popN(int(op-opTuple1) + 1)
		if err != nil {
			return err
		}
		return u.pushTuple(t)
	case opList:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.push(&pyList{items: items})
	case opDict:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		if err := u.charge(0, costDict); err != nil {
			return err
		}
		d := newDict()
		if err := u.push(d); err != nil {
			return err
		}
		return u.setItems(d, items)
	case opAppend, opAppends:
		return u.appendItems(op)
	case opSetItem, opSetItems:
		items, err := u.popOperands(op == opSetItem, 2)
		if err != nil {
			return err
		}
		target, err := u.top()
		if err != nil {
			return err
		}
		return u.setItems(target, items)
	case opBinPut, opLongBinPut, opMemoize:
		return u.put(op)
	case opBinGet, opLongBinGet:
		n := 1
		if op == opLongBinGet {
			n = 4
		}
		idx, err := u.readUint(n)
		if err != nil {
			return err
		}
		v, ok := u.memo[uint32(idx)]
		if !ok {
			return u.errorf("memo has no entry %d", idx)
		}
		return u.push(v)
	case opGlobal:
		module, err := u.readLine()
		if err != nil {
			return err
		}
		name, err := u.readLine()
		if err != nil {
			return err
		}
		return u.global(module, name)
	case opStackGlobal:
		t, err := u.popN(2)
		if err != nil {
			return err
		}
		module, ok1 := t[0].(string)
		name, ok2 := t[1].(string)
		if !ok1 || !ok2 {
			return u.errorf("STACK_GLOBAL needs two strings")
		}
		if len(module) > maxGlobalLine || len(name) > maxGlobalLine {
			return u.errorf("STACK_GLOBAL name longer than %d bytes", maxGlobalLine)
		}
		return u.global(module, name)
	case opReduce, opNewObj, opNewObjEx:
		return u.apply(op)
	case opBuild:
		// The state goes nowhere: OrderedDict's _metadata, tensor state and
		// the __dict__ of opaque objects are all irrelevant to the weights.
		if _, err := u.pop(); err != nil {
			return err
		}
		_, err := u.top()
		return err
	case opBinPersID:
		pid, err := u.pop()
		if err != nil {
			return err
		}
		if u.persistent == nil {
			return u.errorf("persistent id in a pickle that allows none")
		}
		v, err := u.persistent(pid)
		if err != nil {
			return u.errorf("%v", err)
		}
		if err := u.charge(0, costOf(v)); err != nil {
			return err
		}
		return u.push(v)
	default:
		return u.errorf("unsupported opcode 0x%02x", op)
	}
	return nil
}

// pushTuple pushes a new tuple, whose header is boxed.
func (u *unpickler) pushTuple(t pyTuple) error {
	if err := u.charge(0, costBox); err != nil {
		return err
	}
	return u.push(t)
}

// global pushes the class or function module.name.
func (u *unpickler) global(module, name string) error {
	if err := u.charge(0, costObject+int64(len(module)+len(name))); err != nil {
		return err
	}
	return u.push(&pyObject{name: module + "." + name})
}

// costOf estimates the memory a value made by a call or a persistent id
// holds beyond its slot.
func costOf(v any) int64 {
	switch v := v.(type) {
	case *Tensor:
		return costTensor + 16*int64(len(v.Shape))
	case *storage:
		return costTensor + int64(len(v.name))
	case *pyDict:
		return costDict
	case *pyObject:
		return costObject + int64(len(v.name))
	}
	return costObject
}

// sized reads the payload of a length-prefixed string or bytes opcode.
func (u *unpickler) sized(op byte) ([]byte, error) {
	width := 4
	switch op {
	case opShortBinUni, opShortBinString, opShortBinBytes:
		width = 1
	case opBinUnicode8, opBinBytes8:
		width = 8
	}
	n, err := u.readUint(width)
	if err != nil {
		return nil, err
	}
	if op == opBinString && int32(uint32(n)) < 0 {
		return nil, u.errorf("negative BINSTRING length")
	}
	if n > maxPickleItem {
		return nil, u.errorf("string of %d bytes exceeds the %d-byte limit", n, maxPickleItem)
	}
	// The bytes read and the string made of them.
	if err := u.charge(0, costBox+2*int64(n)); err != nil {
		return nil, err
	}
	return u.read(int64(n))
}

// long decodes LONG1/LONG4: little-endian two's complement of n bytes.
func (u *unpickler) long(op byte) error {
	width := 1
	if op == opLong4 {
		width = 4
	}
	n, err := u.readUint(width)
	if err != nil {
		return err
	}
	if op == opLong4 && int32(uint32(n)) < 0 {
		return u.errorf("negative LONG4 length")
	}
	if n <= maxPickleItem {
		// The bytes read and the number made of them.
		if err := u.charge(0, 2*int64(n)); err != nil {
			return err
		}
	}
	b, err := u.read(int64(n))
	if err != nil {
		return err
	}
	return u.push(decodeLong(b))
}

// decodeLong returns an int64 when the value fits, else a *big.Int.
func decodeLong(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) <= 8 {
		var buf [8]byte
		copy(buf[:], b)
		if b[len(b)-1]&0x80 != 0 {
			for i := len(b); i < 8; i++ {
				buf[i] = 0xff
			}
		}
		return int64(binary.LittleEndian.Uint64(buf[:]))
	}
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	if v.IsInt64() {
		return v.Int64()
	}
	return v
}

func (u *unpickler) put(op byte) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	var idx uint64
	switch op {
	case opMemoize:
		idx = uint64(len(u.memo))
	case opBinPut:
		idx, err = u.readUint(1)
	default:
		idx, err = u.readUint(4)
	}
	if err != nil {
		return err
	}
	if _, ok := u.memo[uint32(idx)]; !ok {
		if err := u.charge(1, costMemo); err != nil {
			return err
		}
	}
	u.memo[uint32(idx)] = v
	return nil
}

func (u *unpickler) setItems(target any, items []any) error {
	if len(items)%2 != 0 {
		return u.errorf("odd number of items for a dict")
	}
	switch d := target.(type) {
	case *pyDict:
		if err := u.charge(0, int64(len(items)/2)*costEntry); err != nil {
			return err
		}
		for i := 0; i < len(items); i += 2 {
			d.set(items[i], items[i+1])
		}
	case *pyObject:
		// __setitem__ on an opaque object (omegaconf DictConfig): dropped.
	default:
		return u.errorf("SETITEM on %s", typeName(target))
	}
	return nil
}

// popOperands pops the n operands of a single-item opcode (APPEND, SETITEM)
// or everything down to the mark for its many-item form.
func (u *unpickler) popOperands(single bool, n int) ([]any, error) {
	if single {
		return u.popN(n)
	}
	return u.popMark()
}

func (u *unpickler) appendItems(op byte) error {
	items, err := u.popOperands(op == opAppend, 1)
	if err != nil {
		return err
	}
	target, err := u.top()
	if err != nil {
		return err
	}
	switch l := target.(type) {
	case *pyList:
		if err := u.charge(0, int64(len(items))*costSlot); err != nil {
			return err
		}
		l.items = append(l.items, items...)
	case *pyObject:
		// append/extend on an opaque object: dropped.
	default:
		return u.errorf("APPEND on %s", typeName(target))
	}
	return nil
}

// apply handles REDUCE (callable, args), NEWOBJ (class, args) and NEWOBJ_EX
// (class, args, kwargs); all go through the call hook.
func (u *unpickler) apply(op byte) error {
	n := 2
	if op == opNewObjEx {
		n = 3
	}
	t, err := u.popN(n)
	if err != nil {
		return err
	}
	fn, ok := t[0].(*pyObject)
	if !ok {
		return u.errorf("call of a %s", typeName(t[0]))
	}
	args, ok := t[1].(pyTuple)
	if !ok {
		return u.errorf("call of %s with %s arguments, want a tuple", fn.name, typeName(t[1]))
	}
	if u.call == nil {
		v := &pyObject{name: fn.name + "()"}
		if err := u.charge(0, costOf(v)); err != nil {
			return err
		}
		return u.push(v)
	}
	v, err := u.call(fn, args)
	if err != nil {
		return u.errorf("%s: %v", fn.name, err)
	}
	if err := u.charge(0, costOf(v)); err != nil {
		return err
	}
	return u.push(v)
}

// typeName names a value's Python type for error messages.
func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case pyTuple:
		return "tuple"
	case *pyList:
		return "list"
	case *pyDict:
		return "dict"
	case *pyObject:
		return v.name
	case *Tensor:
		return "tensor"
	case *storage:
		return "storage"
	default:
		return fmt.Sprintf("%T", v)
	}
}
