// Annotations: a byte range labelled with what it means and where it lives.

package osi

// An Annotation labels the bytes [Start, End) of some chunk of data with the
// field they hold, its decoded value, what it means, and the layer it belongs
// to. Protocol packages produce annotations ("explain these bytes"); lessons
// attach them to the trace; every renderer reads them.
type Annotation struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Field   string `json:"field"`
	Bits    string `json:"bits,omitempty"` // for a field narrower than its bytes: "1... ....", as Wireshark draws it
	Value   string `json:"value,omitempty"`
	Meaning string `json:"meaning,omitempty"`
	Layer   Layer  `json:"layer"`
}

// Len is the number of bytes the annotation covers.
func (a Annotation) Len() int { return a.End - a.Start }

// Shift returns the annotations moved by delta bytes: an explainer works on
// a message from offset 0, a trace places it in a stream.
func Shift(as []Annotation, delta int) []Annotation {
	out := make([]Annotation, len(as))
	for i, a := range as {
		a.Start += delta
		a.End += delta
		out[i] = a
	}
	return out
}

// An Explanation labels one unit of a byte stream (a message head, a
// frame): Offset is the stream offset of its first byte, and the fields'
// Start and End count from there.
type Explanation struct {
	Offset int64
	Fields []Annotation
}

// A StreamExplainer labels one direction of a connection as its bytes pass,
// the way a protocol analyser dissects a stream. Feed is given every chunk
// in order, from the first byte the explainer is to see (offset 0), and
// returns an explanation for each unit the bytes so far complete.
type StreamExplainer interface {
	Feed(p []byte) []Explanation
}
