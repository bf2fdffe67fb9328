int handler(void) { return 0; }
