// Package events declares the JSON shapes of a few Function Compute trigger
// events, for use as the input type of an event handler:
//
//	func handler(ctx context.Context, e events.OssEvent) (string, error)
//
// Every field is a pointer so an absent key stays nil. Covered: OSS,
// timer, SLS, and the HTTP trigger's event format (FC 3.0 style).
package events
