export fn handler() i32 { return 0; }
