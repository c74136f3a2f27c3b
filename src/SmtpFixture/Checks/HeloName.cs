using System.Net;
using System.Net.Sockets;

namespace SmtpFixture.Checks;

/// <summary>The EHLO/HELO argument grammar of RFC 5321 §4.1.1.1 and §4.1.3: a Domain or an address-literal.</summary>
internal static class HeloName
{
    public static bool IsValid(string name) =>
        name.StartsWith('[') ? IsAddressLiteral(name) : IsDomain(name);

    /// <summary>
    /// Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str]: letters, digits and inner hyphens.
    /// Non-ASCII letters are taken as U-labels (RFC 6531 §3.3 allows them with SMTPUTF8).
    /// </summary>
    private static bool IsDomain(string name)
    {
        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c > '\x7f'))
                {
                    return false;
                }
            }
        }

        return name.Length <= 255;
    }

    /// <summary>"[" IPv4 "]", "[IPv6:" IPv6 "]", or a General-address-literal "[tag:content]" (§4.1.3).</summary>
    private static bool IsAddressLiteral(string name)
    {
        if (name.Length < 3 || name[^1] != ']')
        {
            return false;
        }

        var inner = name[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        var colon = inner.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            // General-address-literal: Standardized-tag ":" 1*dcontent (printable ASCII but "[", "\" and "]").
            return IsDomain(inner[..colon]) && inner[(colon + 1)..].All(c => c is >= '!' and <= '~' and not '[' and not '\\' and not ']') && colon < inner.Length - 1;
        }

        var parts = inner.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);
    }
}
