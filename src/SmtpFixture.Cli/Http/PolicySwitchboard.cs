using System.Text.Json;
using System.Text.Json.Serialization;
using SmtpFixture.Policies;

namespace SmtpFixture.Cli.Http;

/// <summary>Greylisting as <c>/api/v1/policies</c> shows it.</summary>
internal sealed record GreylistingSettings(
    [property: JsonPropertyName("delay")] string Delay,
    [property: JsonPropertyName("expiry")] string? Expiry);

/// <summary>A rate limit as <c>/api/v1/policies</c> shows it.</summary>
internal sealed record RateLimitSettings(
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("window")] string Window,
    [property: JsonPropertyName("unit")] RateLimitUnit Unit,
    [property: JsonPropertyName("scope")] RateLimitScope Scope,
    [property: JsonPropertyName("closeConnection")] bool CloseConnection);

/// <summary>
/// The switchable policies, the body of <c>PUT /api/v1/policies</c> and its answer. In a PUT a field that is absent
/// stays as it is; <see langword="null"/> or <see langword="false"/> switches that policy off.
/// </summary>
internal sealed record PolicySettings(
    [property: JsonPropertyName("greylisting")] GreylistingSettings? Greylisting,
    [property: JsonPropertyName("rateLimit")] RateLimitSettings? RateLimit,
    [property: JsonPropertyName("knownRecipients")] IReadOnlyList<string>? KnownRecipients,
    [property: JsonPropertyName("maxMessageSize")] long? MaxMessageSize,
    [property: JsonPropertyName("requireTls")] bool RequireTls,
    [property: JsonPropertyName("requireAuthentication")] bool RequireAuthentication);

/// <summary>
/// Switches the library's policies on and off at run time, one slot each (greylisting, rate limit, known recipients,
/// maximum size, TLS and AUTH required), in the server's live <see cref="SmtpPolicyCollection"/>: the same policy
/// objects a .NET test adds, so the same replies and state. The command line's policy options start in these slots.
/// </summary>
internal sealed class PolicySwitchboard(SmtpPolicyCollection policies)
{
    private static readonly string[] Slots = ["greylisting", "rateLimit", "knownRecipients", "maxMessageSize", "requireTls", "requireAuthentication"];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (SmtpPolicy Policy, object Setting)> _on = new(StringComparer.Ordinal);

    public PolicySettings Current
    {
        get
        {
            lock (_gate)
            {
                return new PolicySettings(
                    Setting<GreylistingSettings>("greylisting"),
                    Setting<RateLimitSettings>("rateLimit"),
                    Setting<IReadOnlyList<string>>("knownRecipients"),
                    _on.TryGetValue("maxMessageSize", out var size) ? (long)size.Setting : null,
                    _on.ContainsKey("requireTls"),
                    _on.ContainsKey("requireAuthentication"));
            }
        }
    }

    public void Greylisting(TimeSpan delay, TimeSpan? expiry = null) =>
        Set("greylisting", SmtpPolicies.Greylisting(delay, expiry), new GreylistingSettings(JsonInput.Format(delay), expiry is { } e ? JsonInput.Format(e) : null));

    public void RateLimit(int limit, TimeSpan window, RateLimitUnit unit = RateLimitUnit.Messages, RateLimitScope scope = RateLimitScope.ClientAddress, bool closeConnection = true) =>
        Set("rateLimit", SmtpPolicies.RateLimit(limit, window, unit, scope, closeConnection), new RateLimitSettings(limit, JsonInput.Format(window), unit, scope, closeConnection));

    public void KnownRecipients(IReadOnlyList<string> addressesOrDomains) =>
        Set("knownRecipients", SmtpPolicies.KnownRecipients([.. addressesOrDomains]), addressesOrDomains);

    /// <summary>Applies a PUT body: every field is checked before any policy changes, so a bad body changes nothing.</summary>
    /// <exception cref="BadRequestException">The body is not a valid policy object.</exception>
    public PolicySettings Apply(JsonElement body)
    {
        JsonInput.Object(body, "policies", Slots);
        var changes = new List<Action>();
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            var off = value.ValueKind is JsonValueKind.Null or JsonValueKind.False;
            var slot = Slots.First(s => string.Equals(s, property.Name, StringComparison.OrdinalIgnoreCase));
            var path = "policies." + slot;
            changes.Add(slot switch
            {
                _ when off => () => Set(slot, null, null),
                "greylisting" => ParseGreylisting(value, path),
                "rateLimit" => ParseRateLimit(value, path),
                "knownRecipients" => ParseKnownRecipients(value, path),
                "maxMessageSize" => ParseSize(value, path),
                "requireTls" => JsonInput.Boolean(value, path) ? () => Set(slot, SmtpPolicies.RequireTls(), true) : () => { },
                _ => JsonInput.Boolean(value, path) ? () => Set(slot, SmtpPolicies.RequireAuthentication(), true) : () => { },
            });
        }

        foreach (var change in changes)
        {
            change();
        }

        return Current;
    }

    /// <summary>Switches every slot off.</summary>
    public void Clear()
    {
        foreach (var slot in Slots)
        {
            Set(slot, null, null);
        }
    }

    private Action ParseGreylisting(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.True)
        {
            return () => Greylisting(TimeSpan.Zero);
        }

        JsonInput.Object(value, path, "delay", "expiry");
        var delay = JsonInput.Field(value, "delay") is { } d ? JsonInput.Duration(d, path + ".delay") : TimeSpan.Zero;
        TimeSpan? expiry = JsonInput.Field(value, "expiry") is { ValueKind: not JsonValueKind.Null } e ? JsonInput.Duration(e, path + ".expiry") : null;
        if (expiry is { Ticks: 0 })
        {
            throw new BadRequestException(path + ".expiry: must be longer than 0s.");
        }

        return () => Greylisting(delay, expiry);
    }

    private Action ParseRateLimit(JsonElement value, string path)
    {
        JsonInput.Object(value, path, "limit", "window", "unit", "scope", "closeConnection");
        var limit = JsonInput.Field(value, "limit") is { } l ? JsonInput.Integer(l, path + ".limit", 1) : throw new BadRequestException(path + ".limit: required.");
        var window = JsonInput.Field(value, "window") is { } w ? JsonInput.Duration(w, path + ".window") : throw new BadRequestException(path + ".window: required, e.g. \"1m\".");
        if (window <= TimeSpan.Zero)
        {
            throw new BadRequestException(path + ".window: must be longer than 0s.");
        }

        var unit = JsonInput.Field(value, "unit") is { } u ? JsonInput.Enum<RateLimitUnit>(u, path + ".unit") : RateLimitUnit.Messages;
        var scope = JsonInput.Field(value, "scope") is { } s ? JsonInput.Enum<RateLimitScope>(s, path + ".scope") : RateLimitScope.ClientAddress;
        var close = JsonInput.Field(value, "closeConnection") is not { } c || JsonInput.Boolean(c, path + ".closeConnection");
        return () => RateLimit(limit, window, unit, scope, close);
    }

    private Action ParseKnownRecipients(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw new BadRequestException(path + ": expected a non-empty array of addresses and domains, e.g. [\"alice@example.com\", \"@example.org\"].");
        }

        var known = value.EnumerateArray().Select((e, i) => JsonInput.String(e, $"{path}[{i}]").Trim()).ToArray();
        if (known.FirstOrDefault(k => k.Length == 0) is not null)
        {
            throw new BadRequestException(path + ": an address or domain is empty.");
        }

        return () => KnownRecipients(known);
    }

    private Action ParseSize(JsonElement value, string path)
    {
        var bytes = JsonInput.Size(value, path);
        return () => Set("maxMessageSize", SmtpPolicies.MaxMessageSize(bytes), bytes);
    }

    private T? Setting<T>(string slot)
        where T : class => _on.TryGetValue(slot, out var on) ? (T)on.Setting : null;

    /// <summary>Puts <paramref name="policy"/> in the slot (or empties it), replacing the one that was there.</summary>
    private void Set(string slot, SmtpPolicy? policy, object? setting)
    {
        lock (_gate)
        {
            if (_on.Remove(slot, out var previous))
            {
                policies.Remove(previous.Policy);
            }

            if (policy is not null)
            {
                policies.Add(policy);
                _on[slot] = (policy, setting!);
            }
        }
    }
}
