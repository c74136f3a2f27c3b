using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using SmtpFixture.Checks;

namespace SmtpFixture.Cli;

/// <summary>
/// The client and message checks on the command line (<c>--strict</c>, <c>--check RULE=off|record|reject</c>) and in
/// the output (a <c>violation</c> event as each is found, the rule ids on each <c>message</c> event).
/// </summary>
internal sealed class CheckOptions
{
    public CheckOptions()
    {
        Check.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!TryParse(text, out _, out _, out var problem))
                {
                    result.AddError("--check: " + problem);
                }
            }
        });
    }

    public Option<bool> Strict { get; } = new("--strict")
    {
        Description = "Refuse what breaks a MUST of the RFCs (every Error rule: bare LF, 8-bit without BODY=8BITMIME, missing Date, …) " +
            "instead of only reporting it. Example: --strict",
    };

    public Option<string[]> Check { get; } = new("--check")
    {
        Description = "Set one rule to off, record (the default) or reject, after --strict; repeatable. Rules: " +
            string.Join(", ", SmtpRules.All.Select(r => r.Id)) + ". Example: --check bare-line-ending=reject --check missing-message-id=off",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Sets the rule modes from the parsed options: the preset first, then each <c>--check</c> in order.</summary>
    public void Apply(ParseResult parseResult, SmtpTestServerOptions options)
    {
        options.Checks.Apply(parseResult.GetValue(Strict) ? SmtpCheckPreset.Strict : SmtpCheckPreset.Default);
        foreach (var text in parseResult.GetValue(Check) ?? [])
        {
            TryParse(text, out var rule, out var mode, out _);
            options.Checks[rule] = mode;
        }
    }

    /// <summary>One violation as a JSON event: <c>{"event":"violation","rule":…,"severity":"error",…}</c>.</summary>
    public static void WriteViolation(Utf8JsonWriter writer, SmtpViolation violation)
    {
        writer.WriteString("event", "violation");
        writer.WriteString("rule", violation.Rule);
        writer.WriteString("severity", violation.Severity.ToString().ToLowerInvariant());
        writer.WriteString("reference", violation.Reference);
        writer.WriteString("detail", violation.Detail);
        writer.WriteString("location", violation.Location);
        writer.WriteString("line", violation.Excerpt);
        writer.WriteString("session", violation.SessionId);
        writer.WriteString("message", violation.MessageId);
    }

    /// <summary>One violation as a line of text.</summary>
    public static string Describe(SmtpViolation violation) => "violation " + violation;

    internal static bool TryParse(string text, out string rule, out SmtpCheckMode mode, out string problem)
    {
        rule = string.Empty;
        mode = SmtpCheckMode.Record;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            problem = $"'{text}' is not RULE=off|record|reject.";
            return false;
        }

        var id = text[..equals].Trim();
        if (!SmtpRules.All.Any(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase)))
        {
            problem = $"unknown rule '{id}'; rules: {string.Join(", ", SmtpRules.All.Select(r => r.Id))}.";
            return false;
        }

        rule = SmtpRules.Get(id).Id;
        if (!Enum.TryParse(text[(equals + 1)..].Trim(), ignoreCase: true, out mode) || !Enum.IsDefined(mode))
        {
            problem = $"'{text[(equals + 1)..]}' is not off, record or reject.";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
