// Command empty does nothing: BenchmarkGenProcess times it beside gen, so
// that gen's time reads against what any Go process costs on the machine.
package main

func main() {}
