using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace SmtpFixture.Protocol;

/// <summary>
/// Decodes command lines without altering them: RFC 6531 §3.3 allows only valid UTF-8 (RFC 3629), and a replacing
/// decoder would turn a client's invalid octets into U+FFFD that then reads as what the client sent. Each octet of an
/// invalid sequence becomes a lone low surrogate (U+DC80–U+DCFF, as Python's "surrogateescape"), which no valid UTF-8
/// decodes to: the line can still be parsed and shown, and <see cref="IsValid"/> finds where it was invalid.
/// </summary>
internal static class StrictUtf8
{
    /// <summary>Decodes <paramref name="bytes"/>; <paramref name="valid"/> is false when some octets were not valid UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, out bool valid)
    {
        valid = Utf8.IsValid(bytes);
        if (valid)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == OperationStatus.Done)
            {
                text.Append(rune.ToString());
            }
            else
            {
                foreach (var octet in bytes[..consumed])
                {
                    text.Append((char)(0xDC00 + octet));
                }
            }

            bytes = bytes[consumed..];
        }

        return text.ToString();
    }

    /// <summary>Whether <paramref name="text"/> came from valid UTF-8: it has no lone surrogate.</summary>
    public static bool IsValid(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
