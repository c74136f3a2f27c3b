using System.Globalization;
using System.Net;

namespace SmtpFixture.Cli;

/// <summary>Parses the option values that are more than a number: durations, sizes, rates, users, addresses.</summary>
internal static class ValueParsers
{
    private static readonly (string Suffix, long Factor)[] SizeUnits =
    [
        ("KIB", 1L << 10), ("MIB", 1L << 20), ("GIB", 1L << 30),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30),
        ("B", 1),
    ];

    /// <summary>
    /// A duration such as <c>300ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, a combination such as <c>1m30s</c>,
    /// or a .NET time span such as <c>00:05:00</c>.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            if (start == unitStart || unitStart == i
                || !double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            TimeSpan part;
            switch (text[unitStart..i].ToUpperInvariant())
            {
                case "MS":
                    part = TimeSpan.FromMilliseconds(value);
                    break;
                case "S":
                    part = TimeSpan.FromSeconds(value);
                    break;
                case "M":
                case "MIN":
                    part = TimeSpan.FromMinutes(value);
                    break;
                case "H":
                    part = TimeSpan.FromHours(value);
                    break;
                case "D":
                    part = TimeSpan.FromDays(value);
                    break;
                default:
                    return false;
            }

            total += part;
        }

        duration = total;
        return true;
    }

    /// <summary>
    /// A size in bytes: a plain number, or a number with a unit: <c>KiB</c>/<c>MiB</c>/<c>GiB</c> (and <c>K</c>/<c>M</c>/<c>G</c>)
    /// are powers of 1024, <c>KB</c>/<c>MB</c>/<c>GB</c> powers of 1000; case does not matter.
    /// </summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        var upper = trimmed.ToUpperInvariant();
        long factor = 1;
        var number = upper;
        foreach (var (suffix, f) in SizeUnits)
        {
            if (upper.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = f;
                number = upper[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var result = value * factor;
        if (result > long.MaxValue || result != decimal.Truncate(result))
        {
            return false;
        }

        bytes = (long)result;
        return true;
    }

    /// <summary>A rate such as <c>10/1m</c>: at most 10 messages per minute from one client address.</summary>
    public static bool TryParseRate(string text, out int limit, out TimeSpan window)
    {
        limit = 0;
        window = TimeSpan.Zero;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out limit)
            || limit < 1)
        {
            return false;
        }

        var windowText = text[(slash + 1)..];

        // "10/m" reads naturally as "10 per minute".
        if (windowText.Length > 0 && !char.IsAsciiDigit(windowText[0]))
        {
            windowText = "1" + windowText;
        }

        return TryParseDuration(windowText, out window) && window > TimeSpan.Zero;
    }

    /// <summary>A user as <c>NAME:PASSWORD</c>; the password may itself contain colons.</summary>
    public static bool TryParseUser(string text, out string name, out string password)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        name = colon > 0 ? text[..colon] : string.Empty;
        password = colon > 0 ? text[(colon + 1)..] : string.Empty;
        return colon > 0 && password.Length > 0;
    }

    /// <summary>An address to listen on: an IPv4 or IPv6 literal, <c>localhost</c>, or <c>*</c> for every IPv4 interface.</summary>
    public static bool TryParseHost(string text, out IPAddress address)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "LOCALHOST":
                address = IPAddress.Loopback;
                return true;
            case "*":
                address = IPAddress.Any;
                return true;
        }

        return IPAddress.TryParse(text.Trim().Trim('[', ']'), out address!);
    }
}
