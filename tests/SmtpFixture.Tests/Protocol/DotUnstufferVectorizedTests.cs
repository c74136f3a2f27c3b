using System.Text;
using SmtpFixture.Checks;
using SmtpFixture.Protocol;

namespace SmtpFixture.Tests.Protocol;

/// <summary>The bulk copy of plain lines must decode exactly as the byte-wise state machine does, wherever the input is split.</summary>
public sealed class DotUnstufferVectorizedTests
{
    private static readonly string[] Pieces =
    [
        "\r\n", "\r\n.", "\r\n..", ".", "\r", "\n", "\n.", "\r.\r", ".\r\n", "\r\n.\r\n", "x",
        new string('a', 15), new string('b', 16), new string('c', 31), new string('d', 33), new string('e', 76) + "\r\n",
    ];

    [Fact]
    public void VectorizedDecodingMatchesByteWiseDecodingForGeneratedContent()
    {
        var random = new Random(20261129);
        for (var round = 0; round < 3000; round++)
        {
            var input = Encoding.ASCII.GetBytes(Generate(random, Pieces, 40));
            var expected = Decode(new DotUnstuffer(vectorized: false), input, [input.Length]);
            var splits = Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(0, input.Length + 1)).Append(input.Length).Order().ToArray();
            var actual = Decode(new DotUnstuffer(vectorized: true), input, splits);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void TheChecksFindingsOfTheVectorizedPassMatchTheByteWisePassAndAScanOfTheDecodedContent()
    {
        // Long lines around the 1000-octet limit, 8-bit octets and bare line endings, in every position and split.
        string[] pieces =
        [
            .. Pieces, new string('f', 997) + "\r\n", new string('g', 998) + "\r\n", new string('h', 999), "é", new string('i', 40) + "ü" + new string('j', 40),
        ];
        var random = new Random(20261202);
        for (var round = 0; round < 2000; round++)
        {
            var input = Encoding.UTF8.GetBytes(Generate(random, pieces, 30) + "\r\n.\r\n");
            var byteWise = new DotUnstuffer(vectorized: false);
            var expected = Decode(byteWise, input, [input.Length]);
            var vectorized = new DotUnstuffer(vectorized: true);
            var splits = Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(0, input.Length + 1)).Append(input.Length).Order().ToArray();
            var actual = Decode(vectorized, input, splits);
            Assert.Equal(expected, actual);
            Assert.Equal(byteWise.Findings, vectorized.Findings);
            Assert.Equal(ContentChecks.Scan(actual.Content), vectorized.Findings);
        }
    }

    [Fact]
    public void VectorizedDecodingFindsTheEndOfALargeMessageAndUnstuffsItsDots()
    {
        var body = string.Concat(Enumerable.Repeat(new string('x', 76) + "\r\n", 1000)) + "..dot\r\n" + new string('y', 40) + "\r\n.\r\nNEXT";
        var input = Encoding.ASCII.GetBytes(body);
        var expected = Decode(new DotUnstuffer(vectorized: false), input, [input.Length]);
        var actual = Decode(new DotUnstuffer(vectorized: true), input, [input.Length]);
        Assert.Equal(expected, actual);
        Assert.EndsWith(".dot\r\n" + new string('y', 40) + "\r\n", Encoding.ASCII.GetString(actual.Content));
        Assert.Equal(input.Length - "NEXT".Length, actual.Consumed);
    }

    /// <summary>Up to <paramref name="most"/> pieces, chosen at random.</summary>
    private static string Generate(Random random, string[] pieces, int most)
    {
        var text = new StringBuilder();
        var count = random.Next(1, most);
        for (var p = 0; p < count; p++)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        return text.ToString();
    }

    private static Result Decode(DotUnstuffer unstuffer, byte[] input, int[] splits)
    {
        using var output = new MessageBuffer();
        output.Start(0);
        var position = 0;
        var done = false;
        foreach (var split in splits)
        {
            while (!done && position < split)
            {
                position += unstuffer.Decode(input.AsSpan(position, split - position), output, out done);
            }
        }

        return new Result(output.ToArray(), position, done, unstuffer.SawBareLf, unstuffer.SawBareCr);
    }

    private sealed record Result(byte[] Content, int Consumed, bool Done, bool BareLf, bool BareCr)
    {
        public bool Equals(Result? other) =>
            other is not null && Content.AsSpan().SequenceEqual(other.Content) && Consumed == other.Consumed && Done == other.Done && BareLf == other.BareLf && BareCr == other.BareCr;

        public override int GetHashCode() => HashCode.Combine(Content.Length, Consumed, Done);

        public override string ToString() => $"{Encoding.ASCII.GetString(Content).Replace("\r", "\\r").Replace("\n", "\\n")} consumed {Consumed} done {Done} bareLf {BareLf} bareCr {BareCr}";
    }
}
