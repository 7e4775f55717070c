#include "domain/element_service.hpp"

#include "domain/authorization.hpp"
#include "domain/errors.hpp"
#include "domain/validation.hpp"

namespace domain {

namespace {

ElementValues values_of(const Element& element) {
  return ElementValues{element.kind,    element.x,      element.y,
                       element.width,   element.height, element.rotation,
                       element.z_index, element.style,  element.text};
}

DomainError element_not_found() {
  return DomainError::not_found("element not found");
}

}  // namespace

ElementService::ElementService(ElementRepository& elements, BoardRepository& boards,
                               BoardEventPublisher& publisher, Clock clock, BoardLimits limits)
    : elements_(elements),
      boards_(boards),
      publisher_(publisher),
      clock_(std::move(clock)),
      limits_(limits) {}

PageOf<Element> ElementService::list(const telemetry::Context& ctx, Id user_id, Id board_id,
                                     const Page& page) {
  validation::require_valid(validation::check_page(page));
  authorize(ctx, boards_, user_id, board_id, Role::viewer);
  return elements_.list(ctx, board_id, page);
}

Element ElementService::get(const telemetry::Context& ctx, Id user_id, Id board_id, Id element_id) {
  authorize(ctx, boards_, user_id, board_id, Role::viewer);
  std::optional<Element> element = elements_.find(ctx, board_id, element_id);
  if (!element) throw element_not_found();
  return std::move(*element);
}

Element ElementService::create(const telemetry::Context& ctx, Id user_id, Id board_id,
                               const ElementDraft& draft) {
  return create_recorded(ctx, user_id, board_id, draft).value;
}

Element ElementService::update(const telemetry::Context& ctx, Id user_id, Id board_id,
                               Id element_id, const ElementPatch& patch) {
  return update_recorded(ctx, user_id, board_id, element_id, patch).value;
}

void ElementService::remove(const telemetry::Context& ctx, Id user_id, Id board_id, Id element_id) {
  remove_recorded(ctx, user_id, board_id, element_id);
}

Recorded<Element> ElementService::create_recorded(const telemetry::Context& ctx, Id user_id,
                                                  Id board_id, const ElementDraft& draft) {
  validation::require_valid(validation::check_element(draft));
  authorize(ctx, boards_, user_id, board_id, Role::editor);
  const ElementValues values{*parse_element_kind(draft.kind),
                             draft.x,
                             draft.y,
                             draft.width,
                             draft.height,
                             draft.rotation,
                             draft.z_index,
                             draft.style,
                             draft.text};
  std::optional<Recorded<Element>> inserted = elements_.insert(
      ctx, board_id, user_id, values, to_unix_millis(clock_()), limits_.max_elements);
  if (!inserted) {
    // The board may have been deleted since the authorization above: 404, as for any
    // board that is gone, rather than the database's foreign-key failure.
    if (!boards_.exists(ctx, board_id)) throw DomainError::not_found("board not found");
    throw DomainError(ErrorCode::limit_reached, "the board holds " +
                                                    std::to_string(limits_.max_elements) +
                                                    " elements, the most it may hold");
  }
  Recorded<Element>& created = *inserted;
  ctx.info("domain", "element created",
           {{"board_id", board_id},
            {"element_id", created.value.id},
            {"kind", to_string(created.value.kind)},
            {"seq", created.event.seq}});
  publisher_.publish(ctx, created.event);
  return std::move(created);
}

Recorded<Element> ElementService::update_recorded(const telemetry::Context& ctx, Id user_id,
                                                  Id board_id, Id element_id,
                                                  const ElementPatch& patch) {
  validation::require_valid(validation::check_element(patch));
  authorize(ctx, boards_, user_id, board_id, Role::editor);
  std::optional<Element> current = elements_.find(ctx, board_id, element_id);
  if (!current) throw element_not_found();
  if (current->version != *patch.version) {
    ctx.info("domain", "element version conflict",
             {{"element_id", element_id},
              {"expected_version", *patch.version},
              {"current_version", current->version}});
    throw DomainError::version_conflict(std::move(*current));
  }

  ElementValues values = values_of(*current);
  if (patch.kind) values.kind = *parse_element_kind(*patch.kind);
  if (patch.x) values.x = *patch.x;
  if (patch.y) values.y = *patch.y;
  if (patch.width) values.width = *patch.width;
  if (patch.height) values.height = *patch.height;
  if (patch.rotation) values.rotation = *patch.rotation;
  if (patch.z_index) values.z_index = *patch.z_index;
  if (patch.style) values.style = *patch.style;
  if (patch.text) values.text = *patch.text;

  // The write itself re-checks the version, so a concurrent update between the
  // read above and here still ends as a conflict rather than a lost update.
  const UnixMillis now = to_unix_millis(clock_());
  std::optional<Recorded<Element>> updated =
      elements_.update_if_version(ctx, board_id, element_id, *patch.version, values, now);
  if (!updated) {
    std::optional<Element> latest = elements_.find(ctx, board_id, element_id);
    if (!latest) throw element_not_found();
    throw DomainError::version_conflict(std::move(*latest));
  }
  ctx.debug("domain", "element updated",
            {{"element_id", element_id},
             {"version", updated->value.version},
             {"seq", updated->event.seq}});
  publisher_.publish(ctx, updated->event);
  return std::move(*updated);
}

BoardEvent ElementService::remove_recorded(const telemetry::Context& ctx, Id user_id, Id board_id,
                                           Id element_id) {
  authorize(ctx, boards_, user_id, board_id, Role::editor);
  std::optional<BoardEvent> removed =
      elements_.remove(ctx, board_id, element_id, to_unix_millis(clock_()));
  if (!removed) throw element_not_found();
  ctx.info("domain", "element deleted",
           {{"board_id", board_id}, {"element_id", element_id}, {"seq", removed->seq}});
  publisher_.publish(ctx, *removed);
  return std::move(*removed);
}

}  // namespace domain
