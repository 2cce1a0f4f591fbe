// An echo handler: every message sent back as it came.

package wsframe

import (
	"context"
	"errors"
)

// Echo sends every text and binary message on c back to its sender, with
// the same type and payload, until the connection closes. It returns nil
// after a closing handshake and the error otherwise; either way c is
// closed when it returns.
func Echo(ctx context.Context, c *Conn) error {
	var buf []byte
	for {
		typ, msg, err := c.AppendMessage(ctx, buf)
		if err != nil {
			c.CloseNow()
			var ce *CloseError
			if errors.As(err, &ce) && ce.Code != CloseAbnormal {
				return nil
			}
			return err
		}
		if err := c.WriteMessage(ctx, typ, msg); err != nil {
			c.CloseNow()
			return err
		}
		buf = msg[:0]
	}
}
