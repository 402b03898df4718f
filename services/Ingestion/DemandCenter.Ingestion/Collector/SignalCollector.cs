using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace DemandCenter.Ingestion.Collector;

/// <summary>
/// POST /api/v1/signals: publishers without Kafka send CloudEvents over HTTP. Events are checked here so that
/// the caller learns at once what is wrong, then produced to the same inbound topics as Kafka publishers use,
/// so both paths behave the same from there on.
/// </summary>
public static class SignalCollector
{
    public const string RateLimitPolicy = "signals";

    public static IEndpointRouteBuilder MapSignalCollector(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/signals", CollectAsync)
            .RequireRateLimiting(RateLimitPolicy)
            .WithName("PostSignals")
            .Accepts<CloudEvent>("application/cloudevents+json", "application/cloudevents-batch+json", "application/json")
            .Produces<CollectResult>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<IResult> CollectAsync(HttpContext http, ApiKeys keys, SignalIntake intake, SharedProducer producer, IOptions<IngestionOptions> options, CancellationToken ct)
    {
        if (await keys.AuthenticateAsync(http.Request, ct) is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid API key is required.",
                detail: "Send the publisher key as 'Authorization: Bearer <key>'.");
        }

        var limit = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(http.Request.Body, new JsonDocumentOptions { MaxDepth = 32 }, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (JsonException ex)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The body is not valid JSON: " + ex.Message] });
        }

        using (body)
        {
            var events = body.RootElement.ValueKind == JsonValueKind.Array ? body.RootElement.EnumerateArray().ToList() : [body.RootElement];
            if (events.Count == 0 || events.Count > options.Value.MaxBatchEvents)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["body"] = [$"Send between 1 and {options.Value.MaxBatchEvents} events per request; got {events.Count}."],
                });
            }

            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var deliveries = new List<Task>();
            var batch = body.RootElement.ValueKind == JsonValueKind.Array;
            for (var i = 0; i < events.Count; i++)
            {
                var raw = Encoding.UTF8.GetBytes(events[i].GetRawText());
                var result = intake.Evaluate(new InboundMessage(raw, new Dictionary<string, string>(), Topic: null));
                var prefix = batch ? $"events[{i}]." : "";
                switch (result)
                {
                    case Accepted a:
                        // Keyed by account when the event alone tells it; otherwise by who it is about, so one visitor's events stay in order.
                        var key = a.Attributed ? a.Signal.AccountId : a.Signal.AnonymousId ?? a.Signal.ContactId ?? a.Signal.Source;
                        deliveries.Add(Produce(producer, SignalTypes.TopicOf[a.Signal.Type], key, raw, ct));
                        break;
                    case Rejected r:
                        foreach (var e in r.Errors)
                        {
                            var field = prefix + e.Field;
                            errors[field] = [.. errors.GetValueOrDefault(field, []), e.Message];
                        }

                        break;
                }
            }

            await Task.WhenAll(deliveries);
            if (deliveries.Count == 0)
            {
                return Results.ValidationProblem(errors, title: "No event was accepted.");
            }

            return Results.Json(new CollectResult(deliveries.Count, events.Count - deliveries.Count, errors.Count == 0 ? null : errors), statusCode: StatusCodes.Status202Accepted);
        }
    }

    private static Task Produce(SharedProducer producer, string topic, string key, byte[] value, CancellationToken ct) =>
        producer.ProduceAsync(topic, key, value, new Headers().AddString(MessageHeaders.ContentType, MessageHeaders.CloudEventsContentType), ct);

    private static IResult TooLarge(long limit) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.", detail: $"The limit is {limit} bytes.");
}

/// <summary>The 202 body: how many events were accepted and rejected, and why each rejected one was.</summary>
public sealed record CollectResult(int Accepted, int Rejected, IDictionary<string, string[]>? Errors);
