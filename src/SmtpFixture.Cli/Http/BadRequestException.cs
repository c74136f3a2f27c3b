namespace SmtpFixture.Cli.Http;

/// <summary>Malformed input (query string or JSON body): answered 400 with <see cref="Exception.Message"/> as plain text.</summary>
internal sealed class BadRequestException(string message) : Exception(message);
