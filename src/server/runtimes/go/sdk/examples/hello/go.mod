module example.com/hello

go 1.19

require github.com/aliyun/fc-runtime-go-sdk v0.3.1

replace github.com/aliyun/fc-runtime-go-sdk => ../..
