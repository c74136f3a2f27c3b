using System.Globalization;
using System.Text.Json;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// Reads request JSON by hand, so that a malformed body gets a 400 that names the field and says what it should be
/// (the model binder's errors name neither), and so that an absent field can differ from an explicit null.
/// </summary>
internal static class JsonInput
{
    public static async Task<JsonElement?> ReadBodyAsync(Microsoft.AspNetCore.Http.HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new BadRequestException($"The body is not valid JSON: {ex.Message}");
        }
    }

    public static JsonElement Object(JsonElement value, string path, params string[] known)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException($"{path}: expected an object, got {Describe(value)}.");
        }

        foreach (var property in value.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new BadRequestException($"{path}: unknown field '{property.Name}'; known fields: {string.Join(", ", known)}.");
            }
        }

        return value;
    }

    public static JsonElement? Field(JsonElement obj, string name) =>
        obj.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not JsonValueKind.Undefined } p
            ? p.Value
            : null;

    public static bool Boolean(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new BadRequestException($"{path}: expected true or false, got {Describe(value)}."),
    };

    public static string String(JsonElement value, string path) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw new BadRequestException($"{path}: expected a string, got {Describe(value)}.");

    public static int Integer(JsonElement value, string path, int minimum)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < minimum)
        {
            throw new BadRequestException($"{path}: expected a whole number of at least {minimum}, got {Describe(value)}.");
        }

        return number;
    }

    /// <summary>A duration as the command line writes it (<c>"30s"</c>, <c>"5m"</c>, <c>"00:01:00"</c>) or a number of seconds.</summary>
    public static TimeSpan Duration(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (value.ValueKind == JsonValueKind.String && ValueParsers.TryParseDuration(value.GetString()!, out var duration))
        {
            return duration;
        }

        throw new BadRequestException($"{path}: expected a duration such as \"30s\", \"5m\" or a number of seconds, got {Describe(value)}.");
    }

    /// <summary>A size in bytes, as a number or as the command line writes it (<c>"10MB"</c>, <c>"512KiB"</c>).</summary>
    public static long Size(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var bytes) && bytes > 0)
        {
            return bytes;
        }

        if (value.ValueKind == JsonValueKind.String && ValueParsers.TryParseSize(value.GetString()!, out var size) && size > 0)
        {
            return size;
        }

        throw new BadRequestException($"{path}: expected a size in bytes such as 1048576 or \"10MB\", got {Describe(value)}.");
    }

    public static TEnum Enum<TEnum>(JsonElement value, string path)
        where TEnum : struct, System.Enum
    {
        if (value.ValueKind == JsonValueKind.String && System.Enum.TryParse<TEnum>(value.GetString(), ignoreCase: true, out var parsed)
            && System.Enum.IsDefined(parsed) && !char.IsAsciiDigit(value.GetString()![0]))
        {
            return parsed;
        }

        var names = System.Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]);
        throw new BadRequestException($"{path}: expected one of {string.Join(", ", names)}, got {Describe(value)}.");
    }

    /// <summary>A duration the way a person writes it: <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>500ms</c>.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        { Ticks: 0 } => "0s",
        _ when duration.Ticks % TimeSpan.TicksPerHour == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalHours}h"),
        _ when duration.Ticks % TimeSpan.TicksPerMinute == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMinutes}m"),
        _ when duration.Ticks % TimeSpan.TicksPerSecond == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalSeconds}s"),
        _ when duration.Ticks % TimeSpan.TicksPerMillisecond == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMilliseconds}ms"),
        _ => duration.ToString("c", CultureInfo.InvariantCulture),
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => value.GetRawText(),
    };
}
