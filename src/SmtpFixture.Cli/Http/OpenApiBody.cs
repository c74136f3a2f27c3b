using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// Documents a JSON request body in the OpenAPI document without <c>Accepts</c>, which would also refuse requests
/// without <c>Content-Type: application/json</c> (415): <c>curl -d</c> sends a form type, and the body is read by hand.
/// </summary>
internal static class OpenApiBody
{
    public static RouteHandlerBuilder DocumentsBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = false,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = new() { Schema = schema } },
            };
        });
}
