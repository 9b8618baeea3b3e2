package mesh

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// logAttempt emits the Debug record of one attempt: method, path, attempt, status (0
// when no answer came), duration, and for a failure errorType (when Mesh gave one)
// and error (the redacted one-line text the call would return). No header value, no
// body.
func (c *Client) logAttempt(ctx context.Context, method, path string, n, status int, took time.Duration, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("attempt", n),
		slog.Int("status", status),
		slog.Duration("duration", took),
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.ErrorType != "" {
		attrs = append(attrs, slog.String("errorType", oneLine(apiErr.ErrorType, 64)))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "mesh: attempt", attrs...)
}

// logRetry emits the Info record before a retry: method, path, the attempt that
// failed, the wait, and error (the redacted one-line reason).
func (c *Client) logRetry(ctx context.Context, method, path string, n int, wait time.Duration, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, "mesh: retrying",
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("attempt", n),
		slog.Duration("wait", wait),
		slog.String("error", err.Error()),
	)
}
