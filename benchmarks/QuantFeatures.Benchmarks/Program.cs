using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project benchmarks/QuantFeatures.Benchmarks -- --filter '*'
// (or --filter '*FeatureBenchmarks*' for the per-feature figures compared with TA-Lib C / Tulip C).
BenchmarkSwitcher.FromAssembly(typeof(QuantFeatures.Benchmarks.FeatureBenchmarks).Assembly).Run(args);
