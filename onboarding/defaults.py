"""The configuration a new tenant starts with, taken from the seeds (000 §4.1, 003 §4.2–4.3).

Plain data, so the data migration and the Tenant signal share it. Chinese because the
tenants are; every row is editable by the tenant admin.
"""

RUBRIC = [
    # (name, what to look at, weight, max score)
    ("企业资质", "独立法人资格、营业执照、相关许可证是否齐全有效", 20, 10),
    ("经营状况", "成立年限、营业收入、资金实力、财务状况", 20, 10),
    ("市场口碑", "商业信誉、客户评价、有无不良记录", 15, 10),
    ("销售能力", "销售渠道、客户资源、同类产品销售业绩", 20, 10),
    ("团队实力", "销售与技术人员配备、管理水平", 15, 10),
    ("仓储物流", "仓储面积与条件、配送能力", 10, 10),
]

INSPECTION_CHECKLIST = [
    "经营场所与营业执照登记信息一致",
    "经营场所面积、位置与人流量符合要求",
    "门店形象或展示区域符合公司标准",
    "销售与技术人员到岗，与申请材料一致",
    "仓储条件（面积、防潮、消防）满足备货需要",
    "物流配送能力满足所申请区域",
    "财务与进销存管理规范",
]

# (code, label, hint, channel types (empty = all), required)
DOCUMENTS = [
    ("business_licence", "营业执照", "加盖公章的营业执照副本扫描件或照片", [], True),
    ("legal_rep_id", "法定代表人身份证", "正反面", [], True),
    (
        "premises",
        "经营场所证明",
        "房产证或租赁合同；合作营业厅、专营店、兼营店必须提供",
        ["cooperative_hall", "exclusive_store", "concurrent_store"],
        True,
    ),
    (
        "storefront_photo",
        "门头照片",
        "门店外观照片",
        ["cooperative_hall", "exclusive_store", "franchise"],
        False,
    ),
    ("financial_statement", "近一年财务报表", "可选，有助于评估经营状况", [], False),
]

# (title, content, responsible role) — seed 000 §4.2 入职培训
TRAINING = [
    ("公司文化", "公司发展历程、企业文化与渠道政策", "channel_manager"),
    ("产品知识", "产品线、技术参数与竞品对比", "tech_support"),
    ("销售技巧", "客户开发、报价与谈判、市场推广方案", "marketing"),
    ("技术操作", "安装调试、系统操作与常见故障处理", "tech_support"),
    ("售后服务", "售后服务流程、投诉处理与回访标准", "after_sales"),
]

CONTRACT_NAME = "渠道合作协议"
CONTRACT_BODY = """<h1>渠道合作协议</h1>
<p class="meta">合同编号：{{ contract.number }}　　版本：第 {{ contract.version }} 版</p>
<table>
<tr><th>甲方（公司）</th><td>{{ company.name }}</td></tr>
<tr><th>乙方（渠道合作伙伴）</th><td>{{ partner.name }}</td></tr>
<tr><th>统一社会信用代码</th><td>{{ partner.credit_code }}</td></tr>
<tr><th>法定代表人</th><td>{{ partner.legal_representative }}</td></tr>
<tr><th>注册地址</th><td>{{ partner.address }}</td></tr>
<tr><th>渠道类型</th><td>{{ partner.channel_type }}</td></tr>
</table>
<p>甲乙双方本着“创新、高效、合作、共赢”的原则，经友好协商，就乙方作为甲方渠道合作伙伴销售甲方产品、提供相关服务事宜，达成如下协议。</p>

<h2>第一条　合作区域与独家性</h2>
<p>乙方的合作区域为：<strong>{{ contract.territory }}</strong>。{% if contract.is_exclusive %}甲方授予乙方在上述区域内的独家经营权，合作期内甲方不在该区域发展同类型渠道。{% else %}乙方在上述区域内为非独家合作，甲方保留在该区域发展其他渠道的权利。{% endif %}乙方不得跨区域销售或窜货。</p>

<h2>第二条　甲方的权利与义务</h2>
<p>1. 甲方负责制定统一的产品价格政策、渠道政策与激励措施，并对乙方的日常运营进行监督。</p>
<p>2. 甲方为乙方提供入职培训（公司文化、产品知识、销售技巧、技术操作、售后服务）及日常培训。</p>
<p>3. 甲方为乙方提供市场推广方案、宣传资料及促销活动支持，并提供技术支持与售后服务支持。</p>

<h2>第三条　乙方的权利与义务</h2>
<p>1. 乙方享有在合作区域内销售甲方产品并获得相应返利与奖励的权利。</p>
<p>2. 乙方应严格按照甲方规定的价格销售产品，不得随意调价；如因市场因素需调整价格，须提前报备并经甲方审批。</p>
<p>3. 乙方开展市场推广活动，活动方案须提前报甲方审核；乙方应按甲方售后服务流程及时处理客户需求与投诉。</p>
<p>4. 乙方应按时通过甲方系统提交订单、上报库存及市场反馈信息。</p>

<h2>第四条　价格与结算</h2>
<p>{{ contract.price_terms|linebreaksbr }}</p>
<p>{{ contract.settlement_terms|linebreaksbr }}</p>
<p>乙方应于签约后向甲方缴纳合作保证金人民币 <strong>{{ contract.deposit }}</strong> 元，合作期满且无违约情形时无息退还。</p>

{% if contract.special_terms %}<h2>第五条　特别约定</h2>
<p>{{ contract.special_terms|linebreaksbr }}</p>{% endif %}

<h2>有效期</h2>
<p>本协议自 {{ contract.valid_from }} 起至 {{ contract.valid_until }} 止。期满前三十日内双方可协商续签。乙方严重违反本协议或公司渠道管理规定的，甲方有权视情节给予警告、罚款、暂停业务直至终止合作。</p>

<h2>签署</h2>
<table>
<tr><th>甲方（盖章）</th><td>{{ company.name }}</td></tr>
<tr><th>乙方（盖章）</th><td>{{ partner.name }}</td></tr>
<tr><th>乙方联系人</th><td>{{ partner.contact_name }}　{{ partner.contact_phone }}</td></tr>
</table>
<p class="meta">本协议以电子方式签署：乙方在 ChannelHub 门户中输入签署人姓名确认签署，系统记录签署时间、IP 地址及本文件的 SHA-256 指纹；甲方随后会签。</p>
"""
