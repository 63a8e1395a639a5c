module kube-eventer-ts/chat-oracle

go 1.22
