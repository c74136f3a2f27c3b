using System.Text.Json.Serialization;
using SmtpFixture.Checks;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// A client or message check that failed, in <c>/api/v1/attempts</c> and as the <c>violation</c> event of
/// <c>/api/v1/events</c>: the same fields as the tool's <c>violation</c> JSON line.
/// </summary>
internal sealed record ViolationDto(
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("stage")] SmtpStage Stage,
    [property: JsonPropertyName("location")] string Location,
    [property: JsonPropertyName("session")] string Session,
    [property: JsonPropertyName("message")] string? Message)
{
    public static ViolationDto From(SmtpViolation v) => new(
        v.Rule,
        v.Severity.ToString().ToLowerInvariant(),
        v.Reference,
        v.Detail,
        v.Stage,
        v.Location,
        v.SessionId,
        v.MessageId);
}
