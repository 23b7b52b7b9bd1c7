// Command hello is a minimal Go function for fnplay / Function Compute.
//
// Invoke it with {"key":"world"}; it answers "hello, world!".
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
)

type StructEvent struct {
	Key string `json:"key"`
}

func HandleRequest(ctx context.Context, event StructEvent) (string, error) {
	fctx, _ := fccontext.FromContext(ctx)
	fctx.GetLogger().Infof("function %s, request %s", fctx.Function.Name, fctx.RequestID)
	return fmt.Sprintf("hello, %s!", event.Key), nil
}

func initialize(ctx context.Context) {
	log.Print("initializer ran")
}

func main() {
	fc.RegisterInitializerFunction(initialize)
	fc.Start(HandleRequest)
}
