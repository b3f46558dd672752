// Nothing but the compiler's own libraries: the floor under every other row.
export const nothing = 0;
