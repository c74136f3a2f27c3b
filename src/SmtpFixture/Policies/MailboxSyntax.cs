using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmtpFixture.Policies;

/// <summary>
/// The strict mailbox grammar of RFC 5321 §4.1.2 and §4.1.3, with the SMTPUTF8 extensions of RFC 6531 §3.3
/// (UTF-8 in atext, qtext and domain labels) and the length limits of RFC 5321 §4.5.3.1.
/// </summary>
internal static class MailboxSyntax
{
    private const int MaxLocalPartOctets = 64;
    private const int MaxDomainOctets = 255;
    private const int MaxLabelOctets = 63;
    private const int MaxPathOctets = 256;

    /// <summary>Whether <paramref name="mailbox"/> (without angle brackets) is <c>Local-part "@" ( Domain / address-literal )</c>.</summary>
    /// <param name="mailbox">The address.</param>
    /// <param name="smtpUtf8">Whether the transaction declared SMTPUTF8, which allows non-ASCII characters.</param>
    public static bool IsValid(string mailbox, bool smtpUtf8)
    {
        // Path = "<" Mailbox ">" is at most 256 octets, brackets included (§4.5.3.1.3).
        if (mailbox.Length == 0 || Encoding.UTF8.GetByteCount(mailbox) > MaxPathOctets - 2)
        {
            return false;
        }

        var at = mailbox[0] == '"' ? EndOfQuotedString(mailbox, smtpUtf8) : mailbox.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at >= mailbox.Length - 1 || mailbox[at] != '@')
        {
            return false;
        }

        var local = mailbox[..at];
        var domain = mailbox[(at + 1)..];
        if (Encoding.UTF8.GetByteCount(local) > MaxLocalPartOctets)
        {
            return false;
        }

        if (local[0] != '"' && !IsDotString(local, smtpUtf8))
        {
            return false;
        }

        return domain[0] == '[' ? IsAddressLiteral(domain) : IsDomain(domain, smtpUtf8);
    }

    /// <summary>Whether <paramref name="domain"/> is <c>sub-domain *("." sub-domain)</c>, each a letter-digit-hyphen label (RFC 5321 §4.1.2).</summary>
    public static bool IsDomain(string domain, bool smtpUtf8)
    {
        if (domain.Length == 0 || Encoding.UTF8.GetByteCount(domain) > MaxDomainOctets)
        {
            return false;
        }

        foreach (var label in domain.Split('.'))
        {
            // sub-domain = Let-dig [Ldh-str]: starts and ends with a letter or digit, hyphens only inside.
            if (label.Length == 0 || Encoding.UTF8.GetByteCount(label) > MaxLabelOctets || !IsLetDig(label[0], smtpUtf8) || !IsLetDig(label[^1], smtpUtf8))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!IsLetDig(c, smtpUtf8) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Returns the index just after the closing quote of a <c>Quoted-string</c> at the start, or -1.</summary>
    private static int EndOfQuotedString(string text, bool smtpUtf8)
    {
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                // quoted-pairSMTP = %d92 %d32-126
                if (i + 1 >= text.Length || text[i + 1] is < ' ' or > '~')
                {
                    return -1;
                }

                i++;
            }
            else if (c == '"')
            {
                return i + 1;
            }
            else if (!(c is (>= ' ' and <= '~') && c != '\\') && !(smtpUtf8 && c > 127))
            {
                // qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus UTF8-non-ascii with SMTPUTF8.
                return -1;
            }
        }

        return -1;
    }

    private static bool IsDotString(string local, bool smtpUtf8)
    {
        // Dot-string = Atom *("." Atom): no empty atom, so no leading, trailing or doubled dot.
        foreach (var atom in local.Split('.'))
        {
            if (atom.Length == 0)
            {
                return false;
            }

            foreach (var c in atom)
            {
                if (!IsAtext(c, smtpUtf8))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // atext of RFC 5322 §3.2.3: letters, digits and !#$%&'*+-/=?^_`{|}~ (RFC 6531 adds UTF8-non-ascii).
    private static bool IsAtext(char c, bool smtpUtf8) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal) || (smtpUtf8 && c > 127);

    // Let-dig = ALPHA / DIGIT; a U-label (RFC 6531 §3.3) may hold any non-ASCII character here.
    private static bool IsLetDig(char c, bool smtpUtf8) => char.IsAsciiLetterOrDigit(c) || (smtpUtf8 && c > 127 && !char.IsWhiteSpace(c) && !char.IsControl(c));

    private static bool IsAddressLiteral(string literal)
    {
        if (literal.Length < 3 || literal[^1] != ']')
        {
            return false;
        }

        var inner = literal[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            var v6 = inner[5..];
            return v6.Length > 0
                && v6.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF:.") < 0
                && IPAddress.TryParse(v6, out var address)
                && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // IPv4-address-literal = Snum 3("." Snum). General-address-literals need a tag registered with IANA (§4.1.3),
        // and none but IPv6 is, so a strict server refuses them.
        var parts = inner.Split('.');
        return parts.Length == 4 && parts.All(snum =>
            snum.Length is >= 1 and <= 3
            && snum.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0
            && int.Parse(snum, NumberStyles.None, CultureInfo.InvariantCulture) <= 255);
    }
}
