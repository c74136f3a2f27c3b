using System.Net;
using System.Text.Json.Serialization;

namespace SmtpFixture.Cli.Http;

/// <summary>One command and the reply it got, in <c>/api/v1/attempts</c>.</summary>
internal sealed record ExchangeDto(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("stage")] SmtpStage Stage,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("reply")] string Reply,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("answeredBy")] string? AnsweredBy);

/// <summary>One transaction or refused command, in <c>/api/v1/attempts</c>, with every command and reply.</summary>
internal sealed record AttemptDto(
    [property: JsonPropertyName("session")] string Session,
    [property: JsonPropertyName("client")] string Client,
    [property: JsonPropertyName("clientName")] string? ClientName,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("outcome")] SmtpAttemptOutcome Outcome,
    [property: JsonPropertyName("mailFrom")] string? MailFrom,
    [property: JsonPropertyName("messageId")] string? MessageId,
    [property: JsonPropertyName("exchanges")] IReadOnlyList<ExchangeDto> Exchanges,
    [property: JsonPropertyName("violations")] IReadOnlyList<ViolationDto> Violations)
{
    public static AttemptDto From(SmtpAttempt attempt) => new(
        attempt.Session.SessionId,
        ClientOf(attempt.Session),
        attempt.Session.ClientName,
        attempt.StartedAt,
        attempt.Outcome,
        attempt.MailFrom,
        attempt.Message?.Id,
        [.. attempt.Exchanges.Select(ExchangeDto)],
        [.. attempt.Violations.Select(ViolationDto.From)]);

    public static string ClientOf(SmtpSessionInfo session) =>
        session.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : session.RemoteEndPoint.ToString() ?? string.Empty;

    private static ExchangeDto ExchangeDto(SmtpExchange e) => new(e.At, e.Stage, e.Command, e.Reply.ToString(), e.Reply.Code, e.AnsweredBy);
}

/// <summary>A refused command, as the <c>refused</c> event of <c>/api/v1/events</c> carries it (the same fields as the JSON line).</summary>
internal sealed record RefusedDto(
    [property: JsonPropertyName("stage")] SmtpStage Stage,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("reply")] string Reply,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("by")] string? By,
    [property: JsonPropertyName("client")] string Client,
    [property: JsonPropertyName("session")] string Session)
{
    public static RefusedDto From(SmtpCommandRefusedEventArgs refusal) => new(
        refusal.Exchange.Stage,
        EventSink.AddressOf(refusal.Exchange),
        refusal.Exchange.Command,
        refusal.Exchange.Reply.ToString(),
        refusal.Exchange.Reply.Code,
        refusal.Exchange.AnsweredBy,
        AttemptDto.ClientOf(refusal.Session),
        refusal.Session.SessionId);
}
