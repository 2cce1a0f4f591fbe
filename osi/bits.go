package osi

// Bits draws the low width bits of v as an Annotation's Bits, the way
// Wireshark shows a field inside its bytes: the bits that mask selects as 0
// or 1, the others as dots, a space after every four: Bits(0x81, 0x80, 8)
// is "1... ....".
func Bits(v, mask uint64, width int) string {
	s := make([]byte, 0, width+width/4)
	for i := width - 1; i >= 0; i-- {
		switch {
		case mask&(1<<i) == 0:
			s = append(s, '.')
		case v&(1<<i) != 0:
			s = append(s, '1')
		default:
			s = append(s, '0')
		}
		if i%4 == 0 && i > 0 {
			s = append(s, ' ')
		}
	}
	return string(s)
}
