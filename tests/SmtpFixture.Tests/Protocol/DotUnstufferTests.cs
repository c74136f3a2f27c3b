using System.Text;
using SmtpFixture.Protocol;

namespace SmtpFixture.Tests.Protocol;

/// <summary>The DATA decoder on its own: end of data found across every buffer boundary.</summary>
public sealed class DotUnstufferTests
{
    public static TheoryData<string, string> Contents => new()
    {
        { ".\r\n", string.Empty },
        { "a\r\n.\r\n", "a\r\n" },
        { "..\r\n.\r\n", ".\r\n" },
        { "a\r\n..b\r\n.\r\n", "a\r\n.b\r\n" },
        { "a\r\n.\r\r\n.\r\n", "a\r\n\r\r\n" },
        { "a\n.\r\n.\r\n", "a\n.\r\n" },
        { "a\r\n.\nb\r\n.\r\n", "a\r\n\nb\r\n" },
        { "\r\n\r\n.\r\n", "\r\n\r\n" },
        { "x\r\r\n.\r\n", "x\r\r\n" },
    };

    [Theory]
    [MemberData(nameof(Contents))]
    public void EndOfDataIsFoundWhereverTheInputIsSplit(string input, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(input + "TRAILING");
        var end = input.Length;
        for (var split = 0; split <= input.Length; split++)
        {
            var unstuffer = new DotUnstuffer();
            using var output = new MessageBuffer();
            output.Start(0);
            var first = unstuffer.Decode(bytes.AsSpan(0, split), output, out var done);
            var consumed = first;
            if (!done)
            {
                consumed += unstuffer.Decode(bytes.AsSpan(split), output, out done);
            }

            Assert.True(done, $"split at {split}");
            Assert.Equal(end, consumed);
            Assert.Equal(expected, Encoding.ASCII.GetString(output.ToArray()));
        }
    }

    [Fact]
    public void EndOfDataIsFoundWhenFedOneByteAtATime()
    {
        var bytes = "Subject: x\r\n\r\n..a\r\n.\r\n"u8.ToArray();
        var unstuffer = new DotUnstuffer();
        using var output = new MessageBuffer();
        output.Start(0);
        var done = false;
        var i = 0;
        for (; i < bytes.Length && !done; i++)
        {
            Assert.Equal(1, unstuffer.Decode(bytes.AsSpan(i, 1), output, out done));
        }

        Assert.Equal(bytes.Length, i);
        Assert.Equal("Subject: x\r\n\r\n.a\r\n", Encoding.ASCII.GetString(output.ToArray()));
    }

    [Fact]
    public void ResetForgetsAPartialTerminator()
    {
        var unstuffer = new DotUnstuffer();
        using var output = new MessageBuffer();
        output.Start(0);
        unstuffer.Decode("a\r\n.\r"u8, output, out _);
        unstuffer.Reset();
        output.Start(0);
        unstuffer.Decode("\nb\r\n.\r\n"u8, output, out var done);
        Assert.True(done);
        Assert.Equal("\nb\r\n", Encoding.ASCII.GetString(output.ToArray()));
        Assert.True(unstuffer.SawBareLf);
    }

    [Fact]
    public void MessageBufferCountsButDoesNotStorePastItsLimit()
    {
        using var buffer = new MessageBuffer();
        buffer.Start(10);
        buffer.Append("0123456789"u8);
        Assert.False(buffer.Overflowed);
        buffer.Append("x"u8);
        Assert.True(buffer.Overflowed);
        Assert.Equal(11, buffer.Length);
        buffer.Start(10);
        buffer.Append("abc"u8);
        Assert.Equal("abc"u8.ToArray(), buffer.ToArray());
    }
}
