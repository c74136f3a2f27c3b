namespace SmtpFixture.Protocol;

/// <summary>
/// Parses the arguments of MAIL FROM and RCPT TO (RFC 5321 §4.1.2): <c>FROM:&lt;path&gt; [esmtp-param …]</c>.
/// This is the command syntax only; the strict mailbox grammar is the address syntax policy's job.
/// </summary>
internal static class PathParser
{
    /// <summary>Splits <c>FROM:&lt;a@b&gt; SIZE=1</c> (after the verb) into the address and the parameter text.</summary>
    /// <param name="arguments">The text after the verb and its space.</param>
    /// <param name="keyword"><c>FROM:</c> or <c>TO:</c>.</param>
    /// <param name="address">The path without brackets or a source route.</param>
    /// <param name="parameters">The text after the path.</param>
    /// <returns>Whether the syntax was right.</returns>
    public static bool TryParse(string arguments, string keyword, out string address, out string parameters)
    {
        address = string.Empty;
        parameters = string.Empty;
        if (!arguments.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // RFC 5321 has no space after the colon, but many clients send one; tolerate it as Postfix does.
        var i = keyword.Length;
        while (i < arguments.Length && arguments[i] == ' ')
        {
            i++;
        }

        if (i >= arguments.Length || arguments[i] != '<')
        {
            return false;
        }

        var start = i + 1;
        var end = -1;
        var inQuotes = false;
        for (var j = start; j < arguments.Length; j++)
        {
            var c = arguments[j];
            if (inQuotes && c == '\\')
            {
                j++;
            }
            else if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (c == '>' && !inQuotes)
            {
                end = j;
                break;
            }
        }

        if (end < 0)
        {
            return false;
        }

        address = StripSourceRoute(arguments[start..end]);
        var rest = arguments.AsSpan(end + 1);
        if (rest.Length > 0 && rest[0] != ' ')
        {
            return false;
        }

        parameters = rest.Trim(' ').ToString();
        return true;
    }

    /// <summary>Parses <c>KEY=value KEY2</c> into parameters.</summary>
    /// <returns>Whether every parameter was well-formed (RFC 5321 <c>esmtp-param</c>) and none was repeated.</returns>
    public static bool TryParseParameters(string text, bool allowUtf8, out SmtpParameters parameters)
    {
        parameters = SmtpParameters.Empty;
        if (text.Length == 0)
        {
            return true;
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var items = new KeyValuePair<string, string?>[parts.Length];
        for (var n = 0; n < parts.Length; n++)
        {
            var part = parts[n];
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            string? value = eq < 0 ? null : part[(eq + 1)..];
            if (key.Length == 0 || !char.IsAsciiLetterOrDigit(key[0]) || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }

            // RFC 6531 §3.3: UTF-8 in a value (with SMTPUTF8 offered) only when valid (RFC 3629).
            if (value is not null && (value.Length == 0 || !value.All(c => (c is >= (char)33 and <= (char)126 && c != '=') || (allowUtf8 && c > 127)) || !StrictUtf8.IsValid(value)))
            {
                return false;
            }

            for (var m = 0; m < n; m++)
            {
                if (string.Equals(items[m].Key, key, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            items[n] = new(key, value);
        }

        parameters = new SmtpParameters(items);
        return true;
    }

    private static string StripSourceRoute(string path)
    {
        // "@a.example,@b.example:user@c.example" — RFC 5321 §4.1.2 says to accept and ignore the route.
        if (path.Length > 0 && path[0] == '@')
        {
            var colon = path.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                return path[(colon + 1)..];
            }
        }

        return path;
    }
}
