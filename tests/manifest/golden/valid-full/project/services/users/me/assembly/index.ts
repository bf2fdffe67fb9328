export function handler(): i32 { return 0; }
