using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace SmtpFixture.Tests.Protocol;

/// <summary>
/// A bounded randomized test in the normal suite. Half the streams use a fixed seed (the same every run),
/// half a random one; a failure names the seed and case so that it can be replayed with
/// <c>SMTPFIXTURE_FUZZ_SEED=&lt;seed&gt;</c>. <c>SMTPFIXTURE_FUZZ_COUNT</c> changes the number of streams.
/// The long-running harness is tests/SmtpFixture.Fuzz.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int FixedSeed = 20260109;
    private const int DefaultCount = 100_000;

    // The suite must stay fast on a loaded 2-core machine: past this budget each worker stops early and the output
    // says how many streams ran (about 100,000 take 25 s there when it is quiet). The fixed-seed cases run in order,
    // so the first ones always run.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task GeneratedAndMutatedStreamsNeverCrashHangOrProduceMalformedReplies()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("SMTPFIXTURE_FUZZ_COUNT"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : DefaultCount;
        var randomSeed = int.TryParse(Environment.GetEnvironmentVariable("SMTPFIXTURE_FUZZ_SEED"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        var watch = Stopwatch.StartNew();

        // One worker per seed, each on its own thread and fuzzer: the sessions themselves run inline.
        var results = await Task.WhenAll(
            Task.Run(() => RunSeedAsync(FixedSeed, count / 2, watch)),
            Task.Run(() => RunSeedAsync(randomSeed, count - (count / 2), watch)));
        output.WriteLine($"{results.Sum(r => r.Ran)} of {count} streams (seeds {FixedSeed} and {randomSeed}) in {watch.Elapsed.TotalSeconds:0.0} s: " +
            $"{results.Sum(r => r.Stats.Replies)} replies, {results.Sum(r => r.Stats.Messages)} messages stored, {results.Sum(r => r.Stats.Closed)} sessions closed by 221/421");
        var failure = results.Select(r => r.Failure).FirstOrDefault(f => f is not null);
        Assert.True(failure is null, $"Fuzz failure (fixed seed {FixedSeed}, random seed {randomSeed}; replay with SMTPFIXTURE_FUZZ_SEED):{Environment.NewLine}{failure}");
    }

    [Theory]
    [InlineData("220 ok\r\n250 fine\r\n", null)]
    [InlineData("220 ok\r\n250-a\r\n250 b\r\n221 2.0.0 bye\r\n", null)]
    [InlineData("220 ok\r\n250 fine", "does not end with CRLF")]
    [InlineData("220 ok\r\n600 no\r\n", "malformed")]
    [InlineData("220 ok\r\n25 no\r\n", "malformed")]
    [InlineData("220 ok\r\n250_no\r\n", "malformed")]
    [InlineData("220 ok\r\n250-a\r\n251 b\r\n", "changes its code")]
    [InlineData("220 ok\r\n550 2.0.0 mixed\r\n", "class differs")]
    [InlineData("220 ok\r\n250 a\u0001b\r\n", "printable")]
    [InlineData("220 ok\r\n221 bye\r\n250 more\r\n", "followed the closing")]
    [InlineData("250 hello\r\n", "greeting")]
    [InlineData("220 ok\r\n250-a\r\n", "inside a multi-line")]
    public void TheReplyCheckerAcceptsWellFormedRepliesAndNamesWhatIsWrong(string output, string? problem)
    {
        var found = SmtpFuzzer.CheckReplies(System.Text.Encoding.ASCII.GetBytes(output), out _, out _, out _);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }

    private static async Task<(string? Failure, (long Replies, long Messages, long Closed) Stats, long Ran)> RunSeedAsync(int seed, int count, Stopwatch watch)
    {
        var fuzzer = new SmtpFuzzer();
        var i = 0L;
        for (; i < count && watch.Elapsed < Budget; i++)
        {
            var input = SmtpFuzzer.MakeCase(seed, i, out var random);
            var variant = random.Next(fuzzer.VariantCount);
            var problem = await fuzzer.RunAsync(input, variant, random);
            if (problem is not null)
            {
                return ($"seed {seed}, case {i}, options variant {variant}: {problem}{Environment.NewLine}Input: {SmtpFuzzer.Escape(input)}", fuzzer.Stats, i + 1);
            }
        }

        return (null, fuzzer.Stats, i);
    }
}
