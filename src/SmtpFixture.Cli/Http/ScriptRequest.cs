using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using SmtpFixture.Policies;

namespace SmtpFixture.Cli.Http;

/// <summary>A script step as <c>/api/v1/script</c> shows it.</summary>
internal sealed record ScriptStepDto(
    [property: JsonPropertyName("stage")] SmtpStage Stage,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("uses")] int Uses,
    [property: JsonPropertyName("usedUp")] bool UsedUp);

/// <summary>
/// The body of <c>POST /api/v1/script</c>: <see cref="SmtpScript"/>'s builder as JSON. Each step names a
/// <c>stage</c> (connect, helo, auth, mailFrom, rcptTo, data, message), optionally an <c>address</c> (client name for
/// helo, address or <c>@domain</c> for mailFrom and rcptTo) or a message <c>number</c>, how often (<c>times</c>, or
/// <c>"always"</c>; once by default) and exactly one action: <c>reply</c> (<c>"450 4.2.0 Mailbox busy"</c>, with
/// <c>close</c> to hang up after it), <c>drop</c> (close without a reply) or <c>delay</c> (<c>"5s"</c>).
/// </summary>
internal static partial class ScriptRequest
{
    private static readonly string[] Fields = ["stage", "address", "number", "times", "reply", "close", "drop", "delay"];

    /// <summary>Checks every step, then adds them all to <paramref name="script"/> (none when one is wrong).</summary>
    /// <exception cref="BadRequestException">The body or a step is malformed.</exception>
    public static void AddTo(SmtpScript script, JsonElement body)
    {
        var steps = body.ValueKind == JsonValueKind.Array ? body : JsonInput.Object(body, "script", "steps") is var o && JsonInput.Field(o, "steps") is { } s ? s : default;
        if (steps.ValueKind != JsonValueKind.Array || steps.GetArrayLength() == 0)
        {
            throw new BadRequestException("script: expected {\"steps\": [ ... ]} with at least one step, e.g. {\"steps\":[{\"stage\":\"rcptTo\",\"address\":\"bob@example.com\",\"reply\":\"450 4.2.0 Mailbox busy\"}]}.");
        }

        var adds = steps.EnumerateArray().Select((step, i) => Parse(script, step, $"steps[{i}]")).ToList();
        foreach (var add in adds)
        {
            add();
        }
    }

    public static ScriptStepDto Describe(SmtpScriptStep step) => new(step.Stage, step.Description, step.Uses, step.IsUsedUp);

    private static Action Parse(SmtpScript script, JsonElement step, string path)
    {
        JsonInput.Object(step, path, Fields);
        var stage = JsonInput.Field(step, "stage") is { } st
            ? st.ValueKind == JsonValueKind.String && string.Equals(st.GetString(), "message", StringComparison.OrdinalIgnoreCase) ? SmtpStage.EndOfMessage : JsonInput.Enum<SmtpStage>(st, path + ".stage")
            : throw new BadRequestException(path + ".stage: required (connect, helo, auth, mailFrom, rcptTo, data or message).");
        var address = JsonInput.Field(step, "address") is { ValueKind: not JsonValueKind.Null } a ? JsonInput.String(a, path + ".address") : null;
        int? number = JsonInput.Field(step, "number") is { ValueKind: not JsonValueKind.Null } n ? JsonInput.Integer(n, path + ".number", 1) : null;
        if (address is not null && stage is not (SmtpStage.Helo or SmtpStage.MailFrom or SmtpStage.RcptTo))
        {
            throw new BadRequestException($"{path}.address: only helo, mailFrom and rcptTo steps match an address or name.");
        }

        if (number is not null && stage != SmtpStage.EndOfMessage)
        {
            throw new BadRequestException($"{path}.number: only message steps match a message number.");
        }

        int? times = 1;
        if (JsonInput.Field(step, "times") is { } t)
        {
            times = t.ValueKind == JsonValueKind.String && string.Equals(t.GetString(), "always", StringComparison.OrdinalIgnoreCase)
                ? null
                : JsonInput.Integer(t, path + ".times", 1);
        }

        var reply = JsonInput.Field(step, "reply");
        var drop = JsonInput.Field(step, "drop") is { } d && JsonInput.Boolean(d, path + ".drop");
        var delay = JsonInput.Field(step, "delay");
        var close = JsonInput.Field(step, "close") is { } c && JsonInput.Boolean(c, path + ".close");
        if ((reply is not null ? 1 : 0) + (drop ? 1 : 0) + (delay is not null ? 1 : 0) != 1)
        {
            throw new BadRequestException($"{path}: give exactly one action: \"reply\": \"450 4.2.0 Mailbox busy\", \"drop\": true or \"delay\": \"5s\".");
        }

        if (close && reply is null)
        {
            throw new BadRequestException($"{path}.close: only a reply step can close the connection after its reply.");
        }

        var smtpReply = reply is { } r ? Reply(r, path + ".reply") : null;
        var wait = delay is { } w ? JsonInput.Duration(w, path + ".delay") : TimeSpan.Zero;
        return () =>
        {
            var builder = stage switch
            {
                SmtpStage.Connect => script.OnConnect(),
                SmtpStage.Helo => script.OnHelo(address),
                SmtpStage.Auth => script.OnAuth(),
                SmtpStage.MailFrom => script.OnMailFrom(address),
                SmtpStage.RcptTo => script.OnRcptTo(address),
                SmtpStage.Data => script.OnData(),
                SmtpStage.EndOfMessage => script.OnMessage(number),
                _ => throw new BadRequestException($"{path}.stage: '{stage}' cannot be scripted."),
            };
            builder = times is { } count ? builder.Times(count) : builder.Always();
            _ = smtpReply is not null ? builder.Reply(smtpReply, close) : drop ? builder.Drop() : builder.Delay(wait);
        };
    }

    /// <summary>A reply as one line (<c>"450 4.2.0 Mailbox busy"</c>) or as <c>{"code":450,"enhancedStatusCode":"4.2.0","text":"…"}</c>.</summary>
    private static SmtpReply Reply(JsonElement value, string path)
    {
        int code;
        string? enhanced;
        string text;
        if (value.ValueKind == JsonValueKind.String)
        {
            var match = ReplyLine().Match(value.GetString()!);
            if (!match.Success)
            {
                throw new BadRequestException($"{path}: expected a reply line such as \"450 4.2.0 Mailbox busy\", got \"{value.GetString()}\".");
            }

            code = int.Parse(match.Groups["code"].Value, CultureInfo.InvariantCulture);
            enhanced = match.Groups["enhanced"].Success ? match.Groups["enhanced"].Value : null;
            text = match.Groups["text"].Value;
        }
        else
        {
            JsonInput.Object(value, path, "code", "enhancedStatusCode", "text");
            code = JsonInput.Field(value, "code") is { } c ? JsonInput.Integer(c, path + ".code", 200) : throw new BadRequestException(path + ".code: required.");
            enhanced = JsonInput.Field(value, "enhancedStatusCode") is { ValueKind: not JsonValueKind.Null } e ? JsonInput.String(e, path + ".enhancedStatusCode") : null;
            text = JsonInput.Field(value, "text") is { } t ? JsonInput.String(t, path + ".text") : string.Empty;
        }

        try
        {
            return new SmtpReply(code, enhanced, text.Length == 0 ? [] : text.Split('\n', StringSplitOptions.TrimEntries));
        }
        catch (ArgumentException ex)
        {
            throw new BadRequestException($"{path}: {ex.Message}");
        }
    }

    [GeneratedRegex(@"^\s*(?<code>[2-5][0-9][0-9])(?:[ -](?<enhanced>[245]\.[0-9]{1,3}\.[0-9]{1,3})(?=\s|$))?\s*(?<text>.*)$", RegexOptions.Singleline)]
    private static partial Regex ReplyLine();
}
