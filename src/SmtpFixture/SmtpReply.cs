using System.Buffers;
using System.Globalization;
using System.Text;

namespace SmtpFixture;

/// <summary>
/// An SMTP reply: a three-digit code (RFC 5321 §4.2), an optional enhanced status code
/// (RFC 3463, RFC 2034) and one or more lines of text.
/// </summary>
public sealed class SmtpReply : IEquatable<SmtpReply>
{
    /// <summary>Creates a reply.</summary>
    /// <param name="code">The reply code, 200 to 599.</param>
    /// <param name="enhancedStatusCode">The RFC 3463 enhanced status code such as <c>5.1.1</c>, or <see langword="null"/>.</param>
    /// <param name="lines">The text lines; several lines make a multi-line reply.</param>
    /// <exception cref="ArgumentOutOfRangeException">The code is not 200 to 599, or an enhanced code does not match its class.</exception>
    /// <exception cref="ArgumentException">A line contains CR or LF, or the enhanced code is malformed.</exception>
    public SmtpReply(int code, string? enhancedStatusCode, params string[] lines)
    {
        if (code is < 200 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "An SMTP reply code is 200 to 599.");
        }

        ArgumentNullException.ThrowIfNull(lines);
        if (enhancedStatusCode is not null)
        {
            ValidateEnhancedCode(code, enhancedStatusCode);
        }

        foreach (var line in lines)
        {
            ArgumentNullException.ThrowIfNull(line, nameof(lines));
            if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new ArgumentException("A reply line must not contain CR or LF; pass each line separately.", nameof(lines));
            }
        }

        Code = code;
        EnhancedStatusCode = enhancedStatusCode;
        Lines = lines.Length == 0 ? [string.Empty] : lines.ToArray();
    }

    // The engine's own one-line replies made per message (the queue id): known valid, so neither checked nor copied.
    private SmtpReply(int code, string enhancedStatusCode, string line)
    {
        Code = code;
        EnhancedStatusCode = enhancedStatusCode;
        Lines = [line];
    }

    /// <summary>The three-digit reply code.</summary>
    public int Code { get; }

    /// <summary>The enhanced status code (RFC 3463), such as <c>5.1.1</c>, or <see langword="null"/>.</summary>
    public string? EnhancedStatusCode { get; }

    /// <summary>The lines of text, without codes; at least one.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The text of all lines joined with a space.</summary>
    public string Text => Lines.Count == 1 ? Lines[0] : string.Join(' ', Lines);

    /// <summary>Whether the code is 2xx or 3xx.</summary>
    public bool IsPositive => Code < 400;

    /// <summary>Whether the code is 4xx: the client may retry later.</summary>
    public bool IsTransientFailure => Code is >= 400 and < 500;

    /// <summary>Whether the code is 5xx: the client must not retry as is.</summary>
    public bool IsPermanentFailure => Code >= 500;

    /// <summary>The reply as a single line, e.g. <c>550 5.1.1 No such user</c>.</summary>
    public override string ToString() =>
        EnhancedStatusCode is null
            ? string.Create(CultureInfo.InvariantCulture, $"{Code} {Text}")
            : string.Create(CultureInfo.InvariantCulture, $"{Code} {EnhancedStatusCode} {Text}");

    /// <inheritdoc />
    public bool Equals(SmtpReply? other) =>
        other is not null && other.Code == Code && other.EnhancedStatusCode == EnhancedStatusCode && other.Lines.SequenceEqual(Lines);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SmtpReply);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Code, EnhancedStatusCode, Text);

    /// <summary>
    /// A reply of the engine's own whose code, enhanced code and text are known to be valid, made for one message (the
    /// queue id, a chunk's size): no validation and no copy of its line.
    /// </summary>
    internal static SmtpReply Trusted(int code, string enhancedStatusCode, string line) => new(code, enhancedStatusCode, line);

    /// <summary>
    /// Writes the reply in wire format straight into <paramref name="writer"/>: no encoded copy is kept with the reply,
    /// as a reply made for one message (the queue id) would keep it as long as the capture.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    internal int WriteTo(IBufferWriter<byte> writer, bool enhancedStatusCodes)
    {
        var enhanced = enhancedStatusCodes ? EnhancedStatusCode : null;
        var written = 0;
        for (var i = 0; i < Lines.Count; i++)
        {
            // "250-2.1.0 text\r\n": the code has three digits (checked when the reply was made).
            var text = Lines[i];
            var span = writer.GetSpan(4 + (enhanced is null ? 0 : enhanced.Length + 1) + Encoding.UTF8.GetByteCount(text) + 2);
            span[0] = (byte)('0' + (Code / 100));
            span[1] = (byte)('0' + (Code / 10 % 10));
            span[2] = (byte)('0' + (Code % 10));
            span[3] = (byte)(i == Lines.Count - 1 ? ' ' : '-');
            var at = 4;
            if (enhanced is not null)
            {
                at += Encoding.ASCII.GetBytes(enhanced, span[at..]);
                span[at++] = (byte)' ';
            }

            at += Encoding.UTF8.GetBytes(text, span[at..]);
            span[at++] = (byte)'\r';
            span[at++] = (byte)'\n';
            writer.Advance(at);
            written += at;
        }

        return written;
    }

    private static void ValidateEnhancedCode(int code, string enhanced)
    {
        var parts = enhanced.Split('.');
        if (parts.Length != 3 || !parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)))
        {
            throw new ArgumentException($"'{enhanced}' is not an RFC 3463 enhanced status code (class.subject.detail).", nameof(enhanced));
        }

        if (parts[0][0] - '0' != code / 100)
        {
            throw new ArgumentOutOfRangeException(nameof(enhanced), enhanced, $"The enhanced status code class must match the reply code {code}.");
        }
    }
}
