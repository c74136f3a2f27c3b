using System.Buffers;
using System.Security.Cryptography;
using MimeKit.Cryptography;

namespace SmtpFixture.Dkim;

/// <summary>
/// The DKIM body hash (RFC 6376 §3.7) computed from the raw bytes as they arrived, never from a re-serialised
/// message: comparing it with <c>bh=</c> tells "the body changed" apart from "a signed header changed".
/// </summary>
internal static class DkimBodyHash
{
    public static string Compute(ReadOnlySpan<byte> rawMessage, DkimSignatureAlgorithm algorithm, bool relaxed, long? length)
    {
        var body = Canonicalize(BodyOf(rawMessage), relaxed);
        var hashed = length is { } l && l < body.Length ? body.AsSpan(0, (int)l) : body;
        var hash = algorithm == DkimSignatureAlgorithm.RsaSha1 ? SHA1.HashData(hashed) : SHA256.HashData(hashed);
        return Convert.ToBase64String(hash);
    }

    /// <summary>What follows the empty line that ends the header section (RFC 5322 §2.1); empty when there is none.</summary>
    internal static ReadOnlySpan<byte> BodyOf(ReadOnlySpan<byte> raw)
    {
        if (raw.StartsWith("\r\n"u8))
        {
            return raw[2..];
        }

        var end = raw.IndexOf("\r\n\r\n"u8);
        return end < 0 ? default : raw[(end + 4)..];
    }

    /// <summary>
    /// Simple (§3.4.3): trailing empty lines removed, a final CRLF ensured, an empty body becomes one CRLF. Relaxed
    /// (§3.4.4): in addition, whitespace runs become one space, whitespace at line ends goes, an empty body stays empty.
    /// </summary>
    internal static byte[] Canonicalize(ReadOnlySpan<byte> body, bool relaxed)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 2);
        var line = new ArrayBufferWriter<byte>(256);
        var pendingEmptyLines = 0;
        while (!body.IsEmpty)
        {
            var end = body.IndexOf("\r\n"u8);
            var raw = end < 0 ? body : body[..end];
            body = end < 0 ? default : body[(end + 2)..];
            line.ResetWrittenCount();
            if (relaxed)
            {
                Relax(raw, line);
            }
            else
            {
                line.Write(raw);
            }

            if (line.WrittenCount == 0)
            {
                // Kept only if a non-empty line follows: empty lines at the end of the body are not signed.
                pendingEmptyLines++;
                continue;
            }

            for (; pendingEmptyLines > 0; pendingEmptyLines--)
            {
                output.Write("\r\n"u8);
            }

            output.Write(line.WrittenSpan);
            output.Write("\r\n"u8);
        }

        if (!relaxed && output.WrittenCount == 0)
        {
            output.Write("\r\n"u8);
        }

        return output.WrittenSpan.ToArray();
    }

    private static void Relax(ReadOnlySpan<byte> line, ArrayBufferWriter<byte> output)
    {
        var pendingSpace = false;
        foreach (var b in line)
        {
            if (b is (byte)' ' or (byte)'\t')
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                output.Write(" "u8);
                pendingSpace = false;
            }

            output.Write([b]);
        }
    }
}
