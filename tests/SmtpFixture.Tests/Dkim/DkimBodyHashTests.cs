using System.Text;
using SmtpFixture.Dkim;

namespace SmtpFixture.Tests.Dkim;

/// <summary>Body canonicalisation over raw bytes, checked against the examples of RFC 6376 §3.4.5 and its edge cases.</summary>
public sealed class DkimBodyHashTests
{
    [Theory]
    [InlineData(" C \r\nD \t E\r\n\r\n\r\n", false, " C \r\nD \t E\r\n")]
    [InlineData(" C \r\nD \t E\r\n\r\n\r\n", true, " C\r\nD E\r\n")]
    [InlineData("", false, "\r\n")]
    [InlineData("", true, "")]
    [InlineData("\r\n\r\n", true, "")]
    [InlineData("no final newline", false, "no final newline\r\n")]
    [InlineData("a\r\n\r\nb\r\n \t \r\n", true, "a\r\n\r\nb\r\n")]
    public void CanonicalisesAsRfc6376Says(string body, bool relaxed, string expected)
    {
        Assert.Equal(expected, Encoding.ASCII.GetString(DkimBodyHash.Canonicalize(Encoding.ASCII.GetBytes(body), relaxed)));
    }

    [Theory]
    [InlineData("Subject: x\r\n\r\nbody\r\n", "body\r\n")]
    [InlineData("\r\nbody only", "body only")]
    [InlineData("Subject: headers only\r\n", "")]
    public void TheBodyStartsAfterTheFirstEmptyLine(string message, string body)
    {
        Assert.Equal(body, Encoding.ASCII.GetString(DkimBodyHash.BodyOf(Encoding.ASCII.GetBytes(message))));
    }
}
