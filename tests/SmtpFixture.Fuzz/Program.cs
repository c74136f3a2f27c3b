using System.Diagnostics;
using System.Globalization;
using SharpFuzz;
using SmtpFixture.Tests.Support;

// Long-running fuzzing of the SMTP session; see README.md. Modes:
//   [--minutes N] [--seed S] [--out DIR]  generate + mutate streams until the time is up (default 10 minutes)
//   --replay FILE                          run one saved input through every options variant
//   --write-corpus DIR                     write seed inputs for afl-fuzz / libFuzzer
//   --afl                                  SharpFuzz target for afl-fuzz (instrument SmtpFixture.dll first)
//   --libfuzzer                            SharpFuzz target for libFuzzer (needs the libfuzzer-dotnet driver)
var arguments = args.ToList();
string? Option(string name)
{
    var i = arguments.IndexOf(name);
    return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : null;
}

if (arguments.Contains("--afl"))
{
    var fuzzer = new SmtpFuzzer();
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        RunOrThrow(fuzzer, copy.ToArray());
    });
    return 0;
}

if (arguments.Contains("--libfuzzer"))
{
    var fuzzer = new SmtpFuzzer();
    Fuzzer.LibFuzzer.Run(span => RunOrThrow(fuzzer, span.ToArray()));
    return 0;
}

if (Option("--write-corpus") is { } corpus)
{
    // Seed inputs for afl-fuzz or libFuzzer: generated, unmutated conversations.
    Directory.CreateDirectory(corpus);
    for (var i = 0; i < 64; i++)
    {
        await File.WriteAllBytesAsync(Path.Combine(corpus, $"case{i}.smtp"), [(byte)i, .. SmtpFuzzer.Generate(new Random(i))]);
    }

    return 0;
}

if (Option("--replay") is { } file)
{
    var fuzzer = new SmtpFuzzer();
    var input = File.ReadAllBytes(file);
    var failed = false;
    for (var variant = 0; variant < fuzzer.VariantCount; variant++)
    {
        var problem = await fuzzer.RunAsync(input, variant, new Random(0));
        Console.WriteLine($"variant {variant}: {problem ?? "ok"}");
        failed |= problem is not null;
    }

    return failed ? 1 : 0;
}

var minutes = double.Parse(Option("--minutes") ?? "10", CultureInfo.InvariantCulture);
var seed = int.Parse(Option("--seed") ?? Random.Shared.Next().ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
var outDir = Option("--out") ?? "fuzz-failures";
var workers = Environment.ProcessorCount;
var stopAt = Stopwatch.StartNew();
var limit = TimeSpan.FromMinutes(minutes);
Console.WriteLine($"Fuzzing for {minutes} min with seed {seed} on {workers} workers; failing inputs go to {Path.GetFullPath(outDir)}");
long total = 0;
var results = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
{
    var fuzzer = new SmtpFuzzer();
    var workerSeed = seed + w;
    for (var i = 0L; stopAt.Elapsed < limit; i++)
    {
        var input = SmtpFuzzer.MakeCase(workerSeed, i, out var random);
        var variant = random.Next(fuzzer.VariantCount);
        var problem = await fuzzer.RunAsync(input, variant, random);
        var done = Interlocked.Increment(ref total);
        if (done % 100_000 == 0)
        {
            Console.WriteLine($"{done} streams, {stopAt.Elapsed.TotalMinutes:0.0} min");
        }

        if (problem is not null)
        {
            Directory.CreateDirectory(outDir);
            var path = Path.Combine(outDir, $"seed{workerSeed}-case{i}.bin");
            await File.WriteAllBytesAsync(path, input);
            return $"seed {workerSeed}, case {i}, variant {variant}: {problem}{Environment.NewLine}Input saved to {path} (replay with --replay {path})";
        }
    }

    return null;
})));

var failure = results.FirstOrDefault(r => r is not null);
Console.WriteLine(failure ?? $"No failure in {total} streams.");
return failure is null ? 0 : 1;

static void RunOrThrow(SmtpFuzzer fuzzer, byte[] input)
{
    // The first byte picks the options variant, so that the fuzzer explores all of them.
    var variant = input.Length == 0 ? 0 : input[0] % fuzzer.VariantCount;
    var problem = fuzzer.RunAsync(input.AsMemory(Math.Min(1, input.Length)), variant, new Random(variant)).GetAwaiter().GetResult();
    if (problem is not null)
    {
        throw new InvalidOperationException(problem);
    }
}
