#pragma once
// Elements on a board's canvas. Viewers read; editors and the owner write. Updates
// are partial and optimistic: the patch names the version it was based on, and a
// stale version fails with version_conflict carrying the current element. All
// methods block: call them on the database pool.

#include <vector>

#include "domain/board_events.hpp"
#include "domain/board_limits.hpp"
#include "domain/clock.hpp"
#include "domain/entities.hpp"
#include "domain/inputs.hpp"
#include "domain/repositories.hpp"
#include "telemetry/context.hpp"

namespace domain {

class ElementService {
 public:
  ElementService(ElementRepository& elements, BoardRepository& boards,
                 BoardEventPublisher& publisher, Clock clock = system_clock(),
                 BoardLimits limits = {});

  PageOf<Element> list(const telemetry::Context& ctx, Id user_id, Id board_id, const Page& page);
  Element get(const telemetry::Context& ctx, Id user_id, Id board_id, Id element_id);
  // limit_reached if the board holds BoardLimits::max_elements elements; not_found if
  // the board is gone, also when it goes while this runs.
  Element create(const telemetry::Context& ctx, Id user_id, Id board_id, const ElementDraft& draft);
  Element update(const telemetry::Context& ctx, Id user_id, Id board_id, Id element_id,
                 const ElementPatch& patch);
  void remove(const telemetry::Context& ctx, Id user_id, Id board_id, Id element_id);

  // The same use cases, with the event each change was recorded as (its seq is what
  // a WebSocket client's ack carries). The event is published before they return.
  Recorded<Element> create_recorded(const telemetry::Context& ctx, Id user_id, Id board_id,
                                    const ElementDraft& draft);
  Recorded<Element> update_recorded(const telemetry::Context& ctx, Id user_id, Id board_id,
                                    Id element_id, const ElementPatch& patch);
  BoardEvent remove_recorded(const telemetry::Context& ctx, Id user_id, Id board_id, Id element_id);

 private:
  ElementRepository& elements_;
  BoardRepository& boards_;
  BoardEventPublisher& publisher_;
  Clock clock_;
  BoardLimits limits_;
};

}  // namespace domain
