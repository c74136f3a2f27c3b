using System.Globalization;
using System.Text;
using SmtpFixture.Protocol;

namespace SmtpFixture.Checks;

/// <summary>
/// The byte-level rules on message content, from what the dot-unstuffer noted in its single pass over DATA content
/// (RFC 5321 §2.3.8 and §4.5.3.1.6, RFC 6152 §3, RFC 1870 §6). Only when a rule is broken is the content looked at
/// again, to quote the offending line.
/// </summary>
internal static class ContentChecks
{
    /// <summary>The violations in <paramref name="data"/>, received with the given MAIL parameters; empty (and free) when there are none.</summary>
    public static List<SmtpViolation>? Run(ContentFindings findings, ReadOnlySpan<byte> data, SmtpParameters mail, CheckSettings settings, string sessionId)
    {
        List<SmtpViolation>? found = null;
        void Add(SmtpRule rule, long at, string detail, ReadOnlySpan<byte> data)
        {
            if (settings.IsOn(rule))
            {
                var (line, text) = at >= 0 && at < data.Length ? LineAt(data, (int)at) : (0, null);
                var where = line > 0 ? "content line " + line.ToString(CultureInfo.InvariantCulture) : "content";
                (found ??= []).Add(new SmtpViolation(rule, SmtpStage.EndOfMessage, where, text, sessionId, null, detail));
            }
        }

        var body = mail.GetValueOrDefault("BODY")?.ToUpperInvariant();
        if (body != "BINARYMIME")
        {
            // RFC 3030 §3: BINARYMIME content is octets, not lines: line rules do not apply to it.
            if (findings.BareLineEndingAt >= 0)
            {
                Add(KnownRules.BareLineEnding, findings.BareLineEndingAt, findings.BareLf
                    ? "A line of content ends with a bare LF; SMTP lines end with CRLF (a bare LF is refused by Gmail and recent Postfix)."
                    : "A bare CR in the content; SMTP lines end with CRLF.", data);
            }

            if (findings.LongLineAt >= 0)
            {
                Add(KnownRules.LineTooLong, findings.LongLineAt, "A line of content is longer than 1000 octets with its CRLF; encode the part as quoted-printable or base64, or fold it.", data);
            }
        }

        // RFC 6152 §3: 8-bit octets need BODY=8BITMIME; RFC 6531 §3.4 also lets SMTPUTF8 mail carry UTF-8.
        if (findings.EightBitAt >= 0 && body is not ("8BITMIME" or "BINARYMIME") && !mail.ContainsKey("SMTPUTF8"))
        {
            Add(KnownRules.EightBitUndeclared, findings.EightBitAt, "Octets of 0x80 or above in content sent without BODY=8BITMIME; declare it, or encode the part as quoted-printable or base64.", data);
        }

        if (mail.GetValueOrDefault("SIZE") is { } declared && long.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && data.Length > size)
        {
            Add(KnownRules.SizeUnderdeclared, -1, $"MAIL FROM declared SIZE={size} but {data.Length} octets were sent.", data);
        }

        return found;
    }

    /// <summary>What a single pass over BDAT content finds (chunks are not dot-stuffed, so the unstuffer never sees them).</summary>
    public static ContentFindings Scan(ReadOnlySpan<byte> data)
    {
        var findings = new ContentFindings { EightBitAt = data.IndexOfAnyInRange((byte)0x80, (byte)0xFF) };
        var start = 0;
        while (start < data.Length && (findings.BareLineEndingAt < 0 || findings.LongLineAt < 0))
        {
            var lf = data[start..].IndexOf((byte)'\n');
            var end = lf < 0 ? data.Length : start + lf + 1;
            var line = data[start..end];
            if (line.Length > DotUnstuffer.MaxLineLength && findings.LongLineAt < 0)
            {
                findings.LongLineAt = start;
            }

            // The first CR is bare unless it ends the line's CRLF (then there is no earlier one); the LF unless a CR precedes it.
            var cr = line.IndexOf((byte)'\r');
            var bareCr = cr >= 0 && (lf < 0 || cr != line.Length - 2) ? start + cr : -1;
            var bareLf = lf >= 0 && (line.Length < 2 || line[^2] != '\r') ? end - 1 : -1;
            if (findings.BareLineEndingAt < 0 && (bareCr >= 0 || bareLf >= 0))
            {
                findings.BareLf = bareCr < 0 || (bareLf >= 0 && bareLf < bareCr);
                findings.BareLineEndingAt = findings.BareLf ? bareLf : bareCr;
            }

            start = end;
        }

        return findings;
    }

    /// <summary>The line number (from 1) of the line holding <paramref name="offset"/>, and the line with its ending.</summary>
    public static (int Number, string Text) LineAt(ReadOnlySpan<byte> data, int offset)
    {
        var start = data[..offset].LastIndexOf((byte)'\n') + 1;
        var lf = data[offset..].IndexOf((byte)'\n');
        var end = lf < 0 ? data.Length : offset + lf + 1;
        var number = data[..start].Count((byte)'\n') + 1;
        return (number, Encoding.UTF8.GetString(data[start..Math.Min(end, start + 200)]));
    }
}

/// <summary>The first offset (in the decoded content) at which each byte-level rule is broken, or -1.</summary>
internal record struct ContentFindings
{
    public ContentFindings()
    {
    }

    public long BareLineEndingAt { get; set; } = -1;

    /// <summary>Whether the first bare line ending was an LF (otherwise a CR).</summary>
    public bool BareLf { get; set; }

    public long LongLineAt { get; set; } = -1;

    public long EightBitAt { get; set; } = -1;
}
