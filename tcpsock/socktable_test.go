// Tests for TCP state names.

package tcpsock

import "testing"

func TestTCPStateString(t *testing.T) {
	tests := []struct {
		s    TCPState
		want string
	}{
		{StateEstablished, "ESTABLISHED"},
		{StateSynSent, "SYN-SENT"},
		{StateSynRecv, "SYN-RECEIVED"},
		{StateFinWait1, "FIN-WAIT-1"},
		{StateFinWait2, "FIN-WAIT-2"},
		{StateTimeWait, "TIME-WAIT"},
		{StateClose, "CLOSED"},
		{StateCloseWait, "CLOSE-WAIT"},
		{StateLastAck, "LAST-ACK"},
		{StateListen, "LISTEN"},
		{StateClosing, "CLOSING"},
		{0x00, "STATE-0x00"},
		{0x0C, "STATE-0x0C"}, // TCP_NEW_SYN_RECV: Linux-internal, never shown in /proc
		{0xFF, "STATE-0xFF"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.s.String(); got != tt.want {
				t.Errorf("TCPState(%#x).String() = %q, want %q", uint8(tt.s), got, tt.want)
			}
		})
	}
}
